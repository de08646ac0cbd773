/**
 * Dashboard statistics: a handful of figures over the whole system, computed by one grouped
 * statement per figure group (never per row) and kept in the StatsSnapshot row "dashboard".
 * Requests read the snapshot; it is recomputed on first use, when older than 5 minutes, and by the
 * STATS_REFRESH scheduled task (every 5 minutes by default).
 */
import type { Channel, PrismaClient } from '../../generated/prisma/client.js';
import { channels } from '../../connectors/channels.js';
import { settingsOf, type MonitoringSettings } from '../monitoring/monitoring.settings.js';
import type { MoneyAmount } from '../orders/money.js';
import { orderStatsSummary } from '../orders/order-stats.service.js';
import { FINISHED_SYNC_STATUSES } from '../sync/sync-progress.js';

/** The StatsSnapshot key the dashboard figures are stored under. */
export const DASHBOARD_STATS_KEY = 'dashboard';
/** A snapshot older than this is recomputed when read. */
export const DASHBOARD_MAX_AGE_MS = 5 * 60_000;
/** The window of `syncSuccessRate`. */
export const SYNC_SUCCESS_WINDOW_MS = 24 * 3_600_000;
const DAY_MS = 86_400_000;

export interface ChannelListings {
  channel: Channel;
  /** Listings that are not DELISTED. */
  listings: number;
  /** Those of them with no stock (stock <= 0). */
  outOfStock: number;
}

export interface DashboardStats {
  batchesTotal: number;
  /** Batches not closed. */
  batchesActive: number;
  unitsTotal: number;
  unitsAggregated: number;
  /** unitsAggregated / unitsTotal as a fraction 0..1; null without units. */
  aggregationRate: number | null;
  productsTotal: number;
  /** Every channel, zeros included. */
  listingsByChannel: ChannelListings[];
  /** Products none of whose listings that are not DELISTED has stock (as `products(filter: { outOfStock: true })`). */
  outOfStock: number;
  /** Orders placed today (UTC day of `computedAt`), any status. */
  ordersToday: number;
  /** Totals of today's orders that are sales (not CANCELLED or RETURNED), per currency. */
  revenueToday: MoneyAmount[];
  /** SUCCESS / finished runs (SUCCESS, PARTIAL, FAILED, CANCELLED) finished in the 24 hours up to `computedAt`, 0..1; null without any. */
  syncSuccessRate: number | null;
  /** Runs finished in that window (the rate's denominator). */
  syncRunsFinished: number;
  computedAt: Date;
}

type Stored = Omit<DashboardStats, 'computedAt'>;

export interface DashboardServices {
  prisma: PrismaClient;
  /** Its clock (`now`) is the one figures are computed at; default the system clock. */
  monitoring?: MonitoringSettings;
}

const int = (v: bigint | number | null | undefined) => Number(v ?? 0);

/** Computes every figure now (6 statements, run together), stores the snapshot and returns it. */
export async function refreshDashboardStats(services: DashboardServices): Promise<DashboardStats> {
  const { prisma } = services;
  const now = settingsOf(services).now();
  const dayStart = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  const dayEnd = new Date(dayStart.getTime() + DAY_MS);
  const since = new Date(now.getTime() - SYNC_SUCCESS_WINDOW_MS);

  const [batches, units, products, listings, orders, runs] = await Promise.all([
    prisma.$queryRaw<{ total: number; active: number }[]>`
      SELECT COUNT(*)::int AS total, (COUNT(*) FILTER (WHERE NOT closed))::int AS active FROM "Batch"`,
    prisma.$queryRaw<{ total: bigint; aggregated: bigint }[]>`
      SELECT COUNT(*)::bigint AS total, (COUNT(*) FILTER (WHERE aggregated))::bigint AS aggregated FROM "Unit"`,
    // A product is out of stock when none of its live listings has stock (no live listing at all included).
    prisma.$queryRaw<{ total: number; out: number }[]>`
      SELECT COUNT(*)::int AS total,
             (COUNT(*) FILTER (WHERE NOT EXISTS (
               SELECT 1 FROM "Listing" l WHERE l."productId" = p.id AND l.status <> 'DELISTED' AND l.stock > 0)))::int AS out
      FROM "Product" p`,
    prisma.$queryRaw<{ channel: Channel; listings: number; out: number }[]>`
      SELECT a.channel::text AS channel, COUNT(*)::int AS listings, (COUNT(*) FILTER (WHERE l.stock <= 0))::int AS out
      FROM "Listing" l JOIN "MarketplaceAccount" a ON a.id = l."accountId"
      WHERE l.status <> 'DELISTED'
      GROUP BY 1`,
    // The same statement and sale rule as orderStats, over today's UTC day.
    orderStatsSummary(services, { from: dayStart, to: dayEnd, channel: null, accountId: null }),
    prisma.syncRun.groupBy({
      by: ['status'],
      where: { status: { in: [...FINISHED_SYNC_STATUSES] }, finishedAt: { gt: since, lte: now } },
      _count: { _all: true },
    }),
  ]);

  const b = batches[0];
  const u = units[0];
  const p = products[0];
  const unitsTotal = int(u?.total);
  const unitsAggregated = int(u?.aggregated);
  const finished = runs.reduce((n, r) => n + r._count._all, 0);
  const succeeded = runs.find((r) => r.status === 'SUCCESS')?._count._all ?? 0;
  const stats: Stored = {
    batchesTotal: int(b?.total),
    batchesActive: int(b?.active),
    unitsTotal,
    unitsAggregated,
    aggregationRate: unitsTotal === 0 ? null : unitsAggregated / unitsTotal,
    productsTotal: int(p?.total),
    listingsByChannel: channels.map((channel) => {
      const row = listings.find((l) => l.channel === channel);
      return { channel, listings: int(row?.listings), outOfStock: int(row?.out) };
    }),
    outOfStock: int(p?.out),
    ordersToday: orders.count,
    revenueToday: orders.revenue,
    syncSuccessRate: finished === 0 ? null : succeeded / finished,
    syncRunsFinished: finished,
  };
  await prisma.statsSnapshot.upsert({
    where: { key: DASHBOARD_STATS_KEY },
    create: { key: DASHBOARD_STATS_KEY, data: stats as never, computedAt: now },
    update: { data: stats as never, computedAt: now },
  });
  return { ...stats, computedAt: now };
}

/** This process's computations for one database: the one running, and the next one callers wait for. */
interface Computations {
  running?: Promise<DashboardStats>;
  queued?: Promise<DashboardStats>;
}
const computations = new WeakMap<PrismaClient, Computations>();

function computationsOf(services: DashboardServices): Computations {
  let found = computations.get(services.prisma);
  if (!found) computations.set(services.prisma, (found = {}));
  return found;
}

function startComputation(services: DashboardServices, of: Computations): Promise<DashboardStats> {
  const running: Promise<DashboardStats> = refreshDashboardStats(services).finally(() => {
    if (of.running === running) of.running = undefined;
  });
  of.running = running;
  return running;
}

/**
 * Figures as of this call: computed by a computation that starts after it, never one begun before
 * (it may not count a change the caller just made). Callers arriving while one runs share the next
 * one, which starts when it ends, so a burst of callers costs two computations at most.
 */
function figuresAsOfNow(services: DashboardServices): Promise<DashboardStats> {
  const of = computationsOf(services);
  if (!of.running) return startComputation(services, of);
  const settled = () => undefined;
  of.queued ??= of.running.then(settled, settled).then(() => {
    of.queued = undefined;
    return startComputation(services, of);
  });
  return of.queued;
}

/**
 * The stored figures when they are at most 5 minutes old (by the services' clock), else computed
 * now (concurrent callers in this process share one computation). `asOfNow`: figures that count
 * everything committed before the call (figuresAsOfNow).
 */
export async function dashboardStats(services: DashboardServices, options: { asOfNow?: boolean } = {}): Promise<DashboardStats> {
  if (options.asOfNow) return figuresAsOfNow(services);
  const stored = await services.prisma.statsSnapshot.findUnique({ where: { key: DASHBOARD_STATS_KEY } });
  const now = settingsOf(services).now();
  if (stored && now.getTime() - stored.computedAt.getTime() <= DASHBOARD_MAX_AGE_MS) {
    return { ...(stored.data as unknown as Stored), computedAt: stored.computedAt };
  }
  const of = computationsOf(services);
  return of.running ?? startComputation(services, of);
}
