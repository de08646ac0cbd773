/**
 * A sync report's runs per UTC day (the dashboard's history chart): counts by status and items
 * synced, overall and per account. Grouped in one statement (day × account × status rows); every
 * day of the period is present, zeros included, so a chart's axis has no gaps.
 */
import type { PrismaClient, SyncStatus } from '../../generated/prisma/client.js';

const DAY_MS = 86_400_000;

export interface ReportDay {
  /** YYYY-MM-DD, UTC. */
  date: string;
  total: number;
  successful: number;
  failed: number;
  partial: number;
  cancelled: number;
  inProgress: number;
  itemsSynced: number;
  /** Accounts with runs that day, in the report's account order. */
  accounts: { accountId: string; runs: number; itemsSynced: number }[];
}

const STATUS_FIELD: Partial<Record<SyncStatus, keyof ReportDay>> = {
  SUCCESS: 'successful',
  FAILED: 'failed',
  PARTIAL: 'partial',
  CANCELLED: 'cancelled',
  PENDING: 'inProgress',
  RUNNING: 'inProgress',
  INTERRUPTED: 'inProgress',
};

const utcDay = (d: Date) => d.toISOString().slice(0, 10);

/** Runs created in [from, to) per UTC day; `accountOrder` orders each day's accounts. */
export async function reportDays(prisma: PrismaClient, from: Date, to: Date, accountOrder: string[]): Promise<ReportDay[]> {
  const rows = await prisma.$queryRaw<{ day: string; accountId: string; status: SyncStatus; runs: number; items: number }[]>`
    SELECT to_char(("createdAt" AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day, "accountId"::text AS "accountId", status::text AS status,
           COUNT(*)::int AS runs, COALESCE(SUM("itemsDone"), 0)::int AS items
    FROM "SyncRun"
    WHERE "createdAt" >= ${from.toISOString()}::timestamptz AND "createdAt" < ${to.toISOString()}::timestamptz
    GROUP BY 1, 2, 3`;
  const days = new Map<string, ReportDay>();
  for (let at = Date.parse(`${utcDay(from)}T00:00:00Z`); at <= to.getTime(); at += DAY_MS) {
    const date = utcDay(new Date(at));
    days.set(date, { date, total: 0, successful: 0, failed: 0, partial: 0, cancelled: 0, inProgress: 0, itemsSynced: 0, accounts: [] });
  }
  const rank = new Map(accountOrder.map((id, i) => [id, i]));
  for (const row of rows) {
    const day = days.get(row.day);
    if (!day) continue;
    const field = STATUS_FIELD[row.status];
    if (field) (day[field] as number) += row.runs;
    day.total += row.runs;
    day.itemsSynced += row.items;
    let account = day.accounts.find((a) => a.accountId === row.accountId);
    if (!account) day.accounts.push((account = { accountId: row.accountId, runs: 0, itemsSynced: 0 }));
    account.runs += row.runs;
    account.itemsSynced += row.items;
  }
  for (const day of days.values()) day.accounts.sort((a, b) => (rank.get(a.accountId) ?? 0) - (rank.get(b.accountId) ?? 0));
  return [...days.values()];
}
