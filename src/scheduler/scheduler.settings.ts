/**
 * What the default schedules are made of: each kind of account's INCREMENTAL interval, the hour of
 * the daily FULL sync and the zone cron is read in (DESIGN.md, "Scheduler"; the intervals are the
 * eMAG scheduler's). The environment sets them (SYNC_INTERVAL_<KIND>_MINUTES, FULL_SYNC_HOUR,
 * SCHEDULER_TIME_ZONE), and they apply when a default schedule row is created: after that the row
 * is the user's, and an edit survives restarts whatever the environment says.
 */
import type { Channel, FulfillmentType } from '../generated/prisma/client.js';
import type { Env } from '../env.js';

/** How the scheduler tells accounts apart: eMAG MAIN and FBE are scheduled differently. */
export type AccountKind = 'EMAG_MAIN' | 'EMAG_FBE' | Exclude<Channel, 'EMAG'>;

export const accountKind = (account: { channel: Channel; fulfillment?: FulfillmentType | null }): AccountKind =>
  account.channel === 'EMAG' ? `EMAG_${account.fulfillment ?? 'MAIN'}` : account.channel;

/**
 * Per kind: minutes between INCREMENTAL syncs, whether a daily FULL sync is scheduled too, and
 * minutes between orders-only INCREMENTAL syncs (null: none), which keep the stock pool's
 * reservations fresh (an order reserves once it is read). Every 2 minutes reads a page or two of
 * orders changed since the last run, far inside each marketplace's order limits (the connectors'
 * tables): eMAG order/* 12 requests/s, Ozon's posting list in its 50 requests/s budget, Wildberries
 * FBS orders 300/min. eMAG FBE orders are eMAG's stock (not pooled): its hourly sync reads them.
 * The storefront is read every 5 minutes whole (orders included), cheaply.
 */
const KINDS = {
  EMAG_MAIN: { incrementalMinutes: 30, dailyFull: true, ordersMinutes: 2 },
  EMAG_FBE: { incrementalMinutes: 60, dailyFull: true, ordersMinutes: null },
  OZON: { incrementalMinutes: 60, dailyFull: true, ordersMinutes: 2 },
  WILDBERRIES: { incrementalMinutes: 60, dailyFull: true, ordersMinutes: 2 },
  // The storefront is Stockline's own backend: cheap to ask, so often, and no daily FULL.
  STOREFRONT: { incrementalMinutes: 5, dailyFull: false, ordersMinutes: null },
} as const satisfies Record<AccountKind, { incrementalMinutes: number; dailyFull: boolean; ordersMinutes: number | null }>;

export const accountKinds = Object.keys(KINDS) as AccountKind[];

/** Minutes between an account's orders-only syncs (the stock pool's reservations); null: none. */
export const ordersMinutes = (kind: AccountKind): number | null => KINDS[kind].ordersMinutes;

/** Whether an account of this kind gets a daily FULL sync schedule. */
export const hasDailyFull = (kind: AccountKind) => KINDS[kind].dailyFull;

export interface SchedulerSettings {
  /** IANA zone the cron of new default schedules is read in. */
  timeZone: string;
  /** Hour (0-23, in timeZone) of the daily FULL sync. */
  fullSyncHour: number;
  /** Minutes between INCREMENTAL syncs, per kind of account. */
  incrementalMinutes: Record<AccountKind, number>;
}

export const DEFAULT_SCHEDULER_SETTINGS: SchedulerSettings = {
  timeZone: 'UTC',
  fullSyncHour: 2,
  incrementalMinutes: Object.fromEntries(accountKinds.map((kind) => [kind, KINDS[kind].incrementalMinutes])) as Record<AccountKind, number>,
};

/** The variable setting a kind's interval: SYNC_INTERVAL_EMAG_MAIN_MINUTES, …_STOREFRONT_MINUTES. */
export const intervalVariable = (kind: AccountKind) => `SYNC_INTERVAL_${kind}_MINUTES` as const;

export function schedulerSettings(env: Env): SchedulerSettings {
  return {
    timeZone: env.SCHEDULER_TIME_ZONE,
    fullSyncHour: env.FULL_SYNC_HOUR,
    incrementalMinutes: Object.fromEntries(accountKinds.map((kind) => [kind, env[intervalVariable(kind)] ?? KINDS[kind].incrementalMinutes])) as Record<AccountKind, number>,
  };
}
