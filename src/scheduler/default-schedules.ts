/**
 * The schedules every installation starts with (DESIGN.md, "Scheduler"). They are ordinary rows,
 * created once per key and then owned by the user: ensuring them again never touches an existing
 * row, so an edit (another cron, disabled) survives restarts, and the settings (environment) in
 * force when a row is created are the ones it keeps.
 */
import type { Channel, FulfillmentType, Prisma, PrismaClient, ScheduleKind } from '../generated/prisma/client.js';
import { declaredScheduledTasks } from './handlers.js';
import { nextFireTime, spreadOffset, type Timing } from './schedule-timing.js';
import { accountKind, DEFAULT_SCHEDULER_SETTINGS, hasDailyFull, ordersMinutes, type SchedulerSettings } from './scheduler.settings.js';

/** Prefix of schedules created through the API (createSchedule); only those can be deleted. */
export const CUSTOM_KEY_PREFIX = 'custom:';

export const syncScheduleKey = (accountId: string, which: 'incremental' | 'full' | 'orders') => `sync:${accountId}:${which}`;

interface DefaultSchedule extends Timing {
  key: string;
  timeZone: string;
  kind: ScheduleKind;
  accountId?: string;
  scope?: 'ALL' | 'ORDERS';
  mode?: 'INCREMENTAL' | 'FULL';
  /** Interval schedules: the grid they fire on (a spread offset past the epoch). */
  anchor?: Date;
}

/**
 * Per account: INCREMENTAL every few minutes by its kind (settings: eMAG MAIN 30, FBE 60, other
 * marketplaces 60, storefront 5), orders-only INCREMENTAL every 2 minutes for the marketplaces
 * whose orders move the stock pool, and, for marketplaces, FULL daily at FULL_SYNC_HOUR:xx in the
 * settings' zone. The minute xx is derived from the account id, so accounts do not all call their
 * marketplace at the same round minute; the incremental grid sits half an interval away from xx so
 * the FULL run is not swallowed by an INCREMENTAL one already running for that account (exactly
 * for intervals dividing an hour, and zones a whole number of hours from UTC).
 */
export function defaultSchedulesFor(
  accounts: Array<{ id: string; channel: Channel; fulfillment?: FulfillmentType | null }>,
  settings: SchedulerSettings = DEFAULT_SCHEDULER_SETTINGS,
): DefaultSchedule[] {
  const rows: DefaultSchedule[] = [];
  for (const account of accounts) {
    const kind = accountKind(account);
    const interval = settings.incrementalMinutes[kind] * 60;
    const base = { kind: 'SYNC', accountId: account.id, scope: 'ALL', timeZone: settings.timeZone } as const;
    if (!hasDailyFull(kind)) {
      rows.push({ ...base, key: syncScheduleKey(account.id, 'incremental'), mode: 'INCREMENTAL', intervalSeconds: interval, anchor: new Date(spreadOffset(account.id, interval) * 1000) });
      continue;
    }
    const minute = spreadOffset(account.id, 60);
    const anchorSeconds = (minute * 60 + interval / 2) % interval;
    rows.push({ ...base, key: syncScheduleKey(account.id, 'incremental'), mode: 'INCREMENTAL', intervalSeconds: interval, anchor: new Date(anchorSeconds * 1000) });
    rows.push({ ...base, key: syncScheduleKey(account.id, 'full'), mode: 'FULL', cron: `${minute} ${settings.fullSyncHour} * * *` });
    const orders = ordersMinutes(kind);
    if (orders !== null) {
      // Orders only, so the stock pool reserves soon after a sale (scheduler.settings.ts).
      const every = orders * 60;
      rows.push({ ...base, scope: 'ORDERS', key: syncScheduleKey(account.id, 'orders'), mode: 'INCREMENTAL', intervalSeconds: every, anchor: new Date(spreadOffset(account.id, every) * 1000) });
    }
  }
  return rows;
}

/** The schedules that are not about one account: the declared scheduled tasks (src/registry.ts). */
const systemSchedules = (timeZone: string): DefaultSchedule[] =>
  declaredScheduledTasks().map(({ key, kind, cron, intervalSeconds, anchor }) => ({ key, kind, cron, intervalSeconds, anchor, timeZone }));

/**
 * Creates the default schedules that do not exist yet (by key; concurrent callers on other
 * instances are harmless: duplicates are skipped by the unique key). Returns how many were created.
 */
export async function ensureDefaultSchedules(prisma: PrismaClient, now: Date, settings: SchedulerSettings = DEFAULT_SCHEDULER_SETTINGS): Promise<number> {
  const accounts = await prisma.marketplaceAccount.findMany({ where: { enabled: true }, select: { id: true, channel: true, fulfillment: true }, orderBy: { id: 'asc' } });
  const wanted = [...systemSchedules(settings.timeZone), ...defaultSchedulesFor(accounts, settings)];
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
