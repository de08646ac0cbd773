import { Prisma, type Channel, type OrderStatus, type PrismaClient } from '../../generated/prisma/client.js';
import { channels } from '../../connectors/channels.js';
import { orderStatsError } from './order-stats.errors.js';
import { isUuid } from '../../core/ids.js';
import { sumByCurrency, type MoneyAmount } from './money.js';

/** The period order stats cover when none is given: the 30 days up to now. */
export const DEFAULT_STATS_DAYS = 30;
/** The longest period a per-day breakdown covers. */
export const MAX_STATS_DAYS_BY_DAY = 366;
/** Orders in these statuses are not sales: they count as orders but add no revenue. */
export const NOT_SALES: readonly OrderStatus[] = ['CANCELLED', 'RETURNED'];

const DAY_MS = 86_400_000;
const STATUSES: readonly OrderStatus[] = ['NEW', 'PROCESSING', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURNED'];

export interface OrderStatsInput {
  from?: Date | null;
  to?: Date | null;
  channel?: Channel | null;
  accountId?: string | null;
}

/** A resolved stats request: the half-open period [from, to) and the account scope. */
export interface OrderStatsScope {
  from: Date;
  to: Date;
  channel: Channel | null;
  accountId: string | null;
}

export interface OrderGroup<K> {
  key: K;
  count: number;
  /** Totals of the orders that are sales (not CANCELLED or RETURNED), per currency. */
  revenue: MoneyAmount[];
  /** Totals of all the orders of the group, per currency. */
  total: MoneyAmount[];
}

export interface OrderStatsSummary {
  count: number;
  revenue: MoneyAmount[];
  total: MoneyAmount[];
  byStatus: OrderGroup<OrderStatus>[];
  byChannel: OrderGroup<Channel>[];
}

/**
 * Defaults a stats period: `to` defaults to now (or to `from` when that is later), `from` to 30
 * days before `to`. Given both, the caller has refused a `to` before `from` (the orderStats
 * field's argRules, shared/date-range.ts).
 */
export function orderStatsScope(input: OrderStatsInput, now = new Date()): OrderStatsScope {
  const to = input.to ?? (input.from && input.from > now ? input.from : now);
  const from = input.from ?? new Date(to.getTime() - DEFAULT_STATS_DAYS * DAY_MS);
  return { from, to, channel: input.channel ?? null, accountId: input.accountId ?? null };
}

function scopeSql(scope: OrderStatsScope): Prisma.Sql {
  // An account id that is not a UUID names no account: match nothing rather than fail the cast.
  const account = scope.accountId == null ? Prisma.empty : isUuid(scope.accountId) ? Prisma.sql`AND o."accountId" = ${scope.accountId}::uuid` : Prisma.sql`AND false`;
  const channel = scope.channel == null ? Prisma.empty : Prisma.sql`AND a.channel = ${scope.channel}::"Channel"`;
  return Prisma.sql`o."placedAt" >= ${scope.from.toISOString()}::timestamptz AND o."placedAt" < ${scope.to.toISOString()}::timestamptz ${account} ${channel}`;
}

type Row = { status: OrderStatus; currency: string; count: number; total: string };

function groupOf<K>(key: K, rows: Row[]): OrderGroup<K> {
  const money = (of: Row[]) => sumByCurrency(of.map((r) => ({ currency: r.currency, amount: r.total })));
  return {
    key,
    count: rows.reduce((n, r) => n + Number(r.count), 0),
    revenue: money(rows.filter((r) => !NOT_SALES.includes(r.status))),
    total: money(rows),
  };
}

/**
 * Counts and sums of the orders placed in the period, grouped in SQL by channel, status and
 * currency (a few dozen rows at most, whatever the number of orders), then rolled up per status,
 * per channel and overall. Amounts are never summed across currencies.
 */
export async function orderStatsSummary(ctx: { prisma: PrismaClient }, scope: OrderStatsScope): Promise<OrderStatsSummary> {
  const rows = await ctx.prisma.$queryRaw<(Row & { channel: Channel })[]>`
    SELECT a.channel::text AS channel, o.status::text AS status, o.currency, COUNT(*)::int AS count, SUM(o.total)::text AS total
    FROM "Order" o JOIN "MarketplaceAccount" a ON a.id = o."accountId"
    WHERE ${scopeSql(scope)}
    GROUP BY 1, 2, 3`;
  const all = groupOf(null, rows);
  return {
    count: all.count,
    revenue: all.revenue,
    total: all.total,
    byStatus: STATUSES.map((s) => groupOf(s, rows.filter((r) => r.status === s))).filter((g) => g.count > 0),
    byChannel: channels.map((c) => groupOf(c, rows.filter((r) => r.channel === c))).filter((g) => g.count > 0),
  };
}

/**
 * Orders and revenue per UTC day of the period, every day present (zero when nothing was placed).
 * Grouped in SQL by day and currency; refused past 366 days.
 */
export async function orderStatsByDay(ctx: { prisma: PrismaClient }, scope: OrderStatsScope): Promise<OrderGroup<string>[]> {
  const utcDay = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const first = utcDay(scope.from);
  // `to` is exclusive: the last day is the one of the period's last instant.
  const last = utcDay(scope.to > scope.from ? new Date(scope.to.getTime() - 1) : scope.from);
  const days = (last - first) / DAY_MS + 1;
  if (days > MAX_STATS_DAYS_BY_DAY) {
    throw orderStatsError('RANGE_TOO_LONG', `byDay covers at most ${MAX_STATS_DAYS_BY_DAY} days; the period spans ${days} days`, ['from']);
  }
  const rows = await ctx.prisma.$queryRaw<(Row & { day: string })[]>`
    SELECT to_char((o."placedAt" AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day, o.status::text AS status, o.currency,
           COUNT(*)::int AS count, SUM(o.total)::text AS total
    FROM "Order" o JOIN "MarketplaceAccount" a ON a.id = o."accountId"
    WHERE ${scopeSql(scope)}
    GROUP BY 1, 2, 3`;
  const byDay = new Map<string, Row[]>();
  for (const row of rows) byDay.set(row.day, [...(byDay.get(row.day) ?? []), row]);
  return Array.from({ length: days }, (_, i) => {
    const date = new Date(first + i * DAY_MS).toISOString().slice(0, 10);
    return groupOf(date, byDay.get(date) ?? []);
  });
}
