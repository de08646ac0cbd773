import type { MarketplaceAccount, PrismaClient, SyncStatus } from '../../generated/prisma/client.js';
import { monitoringError } from './monitoring.errors.js';
import { settingsOf, type MonitoringSettings } from './monitoring.settings.js';
import { FINISHED_SYNC_STATUSES } from '../sync/sync-progress.js';

export const DEFAULT_REPORT_DAYS = 7;
export const MAX_REPORT_DAYS = 90;
const DAY_MS = 86_400_000;

export interface RunTotals {
  total: number;
  successful: number;
  failed: number;
  partial: number;
  cancelled: number;
  /** PENDING, RUNNING or INTERRUPTED at the time of the report. */
  inProgress: number;
  /** Mean working time (activeMs, interruptions excluded) of the finished runs; null without any. */
  averageDurationMs: number | null;
  /** Items read from the marketplace (itemsDone), all runs. */
  itemsSynced: number;
}

export interface SyncReport extends RunTotals {
  days: number;
  from: Date;
  to: Date;
  accounts: (RunTotals & { account: MarketplaceAccount })[];
}

type Group = { accountId: string; status: SyncStatus; count: number; activeMs: number; items: number };

function totalsOf(groups: Group[]): RunTotals {
  const count = (statuses: readonly SyncStatus[]) => groups.filter((g) => statuses.includes(g.status)).reduce((n, g) => n + g.count, 0);
  const finished = groups.filter((g) => FINISHED_SYNC_STATUSES.includes(g.status));
  const finishedCount = finished.reduce((n, g) => n + g.count, 0);
  return {
    total: groups.reduce((n, g) => n + g.count, 0),
    successful: count(['SUCCESS']),
    failed: count(['FAILED']),
    partial: count(['PARTIAL']),
    cancelled: count(['CANCELLED']),
    inProgress: count(['PENDING', 'RUNNING', 'INTERRUPTED']),
    averageDurationMs: finishedCount > 0 ? Math.round(finished.reduce((n, g) => n + g.activeMs, 0) / finishedCount) : null,
    itemsSynced: groups.reduce((n, g) => n + g.items, 0),
  };
}

/**
 * Runs created in the last `days` days (1 to 90), counted and summed in the database grouped by
 * account and status (at most accounts × 7 rows), overall and per account. Every account is
 * listed, those without runs with zeros, by channel then name.
 */
export async function syncReport(services: { prisma: PrismaClient; monitoring?: MonitoringSettings }, days: number = DEFAULT_REPORT_DAYS): Promise<SyncReport> {
  if (!Number.isInteger(days) || days < 1 || days > MAX_REPORT_DAYS) {
    throw monitoringError('DAYS_OUT_OF_RANGE', `days must be a whole number from 1 to ${MAX_REPORT_DAYS}; got ${days}`, ['days']);
  }
  const to = settingsOf(services).now();
  const from = new Date(to.getTime() - days * DAY_MS);
  const [rows, accounts] = await Promise.all([
    services.prisma.syncRun.groupBy({
      by: ['accountId', 'status'],
      where: { createdAt: { gte: from, lt: to } },
      _count: { _all: true },
      _sum: { activeMs: true, itemsDone: true },
    }),
    services.prisma.marketplaceAccount.findMany({ orderBy: [{ channel: 'asc' }, { name: 'asc' }] }),
  ]);
  const groups: Group[] = rows.map((r) => ({ accountId: r.accountId, status: r.status, count: r._count._all, activeMs: r._sum.activeMs ?? 0, items: r._sum.itemsDone ?? 0 }));
  return {
    days,
    from,
    to,
    ...totalsOf(groups),
    accounts: accounts.map((account) => ({ account, ...totalsOf(groups.filter((g) => g.accountId === account.id)) })),
  };
}
