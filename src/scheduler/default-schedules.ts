/**
 * The schedules every installation starts with (DESIGN.md, "Scheduler"). They are ordinary rows,
 * created once per key and then owned by the user: ensuring them again never touches an existing
 * row, so an edit (another cron, disabled) survives restarts.
 */
import type { Channel, Prisma, PrismaClient, ScheduleKind } from '../generated/prisma/client.js';
import { declaredScheduledTasks } from './handlers.js';
import { nextFireTime, spreadOffset, type Timing } from './schedule-timing.js';

/** Prefix of schedules created through the API (createSchedule); only those can be deleted. */
export const CUSTOM_KEY_PREFIX = 'custom:';

export const syncScheduleKey = (accountId: string, which: 'incremental' | 'full') => `sync:${accountId}:${which}`;

interface DefaultSchedule extends Timing {
  key: string;
  kind: ScheduleKind;
  accountId?: string;
  scope?: 'ALL';
  mode?: 'INCREMENTAL' | 'FULL';
  /** Interval schedules: the grid they fire on (a spread offset past the epoch). */
  anchor?: Date;
}

/**
 * Per account: the storefront every 5 minutes (offset by a stable 0–299 s), marketplaces
 * incrementally every hour and fully every day at 02:xx UTC. The minute xx is derived from the
 * account id, so accounts do not all call their marketplace at the same round minute; the hourly
 * run sits half an hour away from the daily one so the FULL run is not swallowed by an INCREMENTAL
 * one already running for that account.
 */
export function defaultSchedulesFor(accounts: Array<{ id: string; channel: Channel }>): DefaultSchedule[] {
  const rows: DefaultSchedule[] = [];
  for (const account of accounts) {
    if (account.channel === 'STOREFRONT') {
      rows.push({ key: syncScheduleKey(account.id, 'incremental'), kind: 'SYNC', accountId: account.id, scope: 'ALL', mode: 'INCREMENTAL', intervalSeconds: 300, anchor: new Date(spreadOffset(account.id, 300) * 1000) });
      continue;
    }
    const minute = spreadOffset(account.id, 60);
    rows.push({ key: syncScheduleKey(account.id, 'incremental'), kind: 'SYNC', accountId: account.id, scope: 'ALL', mode: 'INCREMENTAL', cron: `${(minute + 30) % 60} * * * *` });
    rows.push({ key: syncScheduleKey(account.id, 'full'), kind: 'SYNC', accountId: account.id, scope: 'ALL', mode: 'FULL', cron: `${minute} 2 * * *` });
  }
  return rows;
}

/** The schedules that are not about one account: the declared scheduled tasks (src/registry.ts). */
const systemSchedules = (): DefaultSchedule[] => declaredScheduledTasks().map(({ key, kind, cron, intervalSeconds, anchor }) => ({ key, kind, cron, intervalSeconds, anchor }));

/**
 * Creates the default schedules that do not exist yet (by key; concurrent callers on other
 * instances are harmless: duplicates are skipped by the unique key). Returns how many were created.
 */
export async function ensureDefaultSchedules(prisma: PrismaClient, now: Date): Promise<number> {
  const accounts = await prisma.marketplaceAccount.findMany({ where: { enabled: true }, select: { id: true, channel: true }, orderBy: { id: 'asc' } });
  const wanted = [...systemSchedules(), ...defaultSchedulesFor(accounts)];
  const existing = new Set((await prisma.schedule.findMany({ where: { key: { in: wanted.map((s) => s.key) } }, select: { key: true } })).map((s) => s.key));
  const missing = wanted.filter((s) => !existing.has(s.key));
  if (missing.length === 0) return 0;
  const data: Prisma.ScheduleCreateManyInput[] = missing.map(({ anchor, ...s }) => ({
    ...s,
    cron: s.cron ?? null,
    intervalSeconds: s.intervalSeconds ?? null,
    nextFireAt: nextFireTime(s, now, anchor),
  }));
  const { count } = await prisma.schedule.createMany({ data, skipDuplicates: true });
  return count;
}
