import type { PrismaClient } from '../../generated/prisma/client.js';
import { catalogQueryError } from './catalog.errors.js';
import { isUuid } from '../../core/ids.js';
import { sumByCurrency, type MoneyAmount } from '../orders/money.js';

/** The longest period a trend covers, in days (both ends included). */
export const MAX_TREND_DAYS = 366;
/** The period a trend covers when none is given: the last 30 days, today included. */
export const DEFAULT_TREND_DAYS = 30;

const DAY_MS = 86_400_000;
const dayOf = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
const iso = (date: Date) => date.toISOString().slice(0, 10);

export interface TrendDay {
  /** UTC calendar day, YYYY-MM-DD. */
  date: string;
  unitsSold: number;
  revenue: MoneyAmount[];
}

export interface ProductTrend {
  productId: string;
  sku: string;
  from: string;
  to: string;
  unitsSold: number;
  revenue: MoneyAmount[];
  days: TrendDay[];
}

/**
 * Resolves the calendar days a trend covers (UTC, both ends included). Missing ends default to
 * today and to 30 days before the other end; more than 366 days is refused. Given both, the caller
 * has refused a `to` before `from` (the productTrends field's argRules, shared/date-range.ts).
 */
export function trendRange(input: { from?: Date | null; to?: Date | null }, now = new Date()): { from: Date; to: Date; days: number } {
  const to = dayOf(input.to ?? (input.from ? new Date(Math.max(now.getTime(), input.from.getTime())) : now));
  const from = dayOf(input.from ?? new Date(to.getTime() - (DEFAULT_TREND_DAYS - 1) * DAY_MS));
  const days = Math.round((to.getTime() - from.getTime()) / DAY_MS) + 1;
  if (days > MAX_TREND_DAYS) {
    throw catalogQueryError('RANGE_TOO_LONG', `A trend covers at most ${MAX_TREND_DAYS} days; ${iso(from)} to ${iso(to)} is ${days} days`, ['from']);
  }
  return { from, to, days };
}

/**
 * Units sold and revenue per UTC day for one product's SKU, every day of the range present (zero
 * when nothing sold). CANCELLED and RETURNED orders do not count; revenue is per currency, never
 * summed across currencies. One statement: orders grouped by day in SQL, joined to generate_series.
 * Null when the product does not exist.
 */
export async function productTrend(
  ctx: { prisma: PrismaClient },
  productId: string,
  input: { from?: Date | null; to?: Date | null },
  now = new Date(),
): Promise<ProductTrend | null> {
  const { from, to } = trendRange(input, now);
  if (!isUuid(productId)) return null;
  const product = await ctx.prisma.product.findUnique({ where: { id: productId }, select: { id: true, sku: true } });
  if (!product) return null;
  const rows = await ctx.prisma.$queryRaw<{ day: string; currency: string | null; units: number; revenue: string | null }[]>`
    WITH sold AS (
      SELECT (o."placedAt" AT TIME ZONE 'UTC')::date AS day, o.currency,
             SUM(i.quantity)::int AS units, SUM(i.quantity * i.price) AS revenue
      FROM "OrderItem" i JOIN "Order" o ON o.id = i."orderId"
      -- A line is this product's when its account's listing with the line's offer id is, else by SKU
      -- (the rule OrderItem.product follows: src/modules/orders/order.schema.ts).
      LEFT JOIN "Listing" l ON l."accountId" = o."accountId" AND l."externalId" = i."externalProductId"
      WHERE (l."productId" = ${product.id}::uuid OR (l.id IS NULL AND i.sku = ${product.sku}))
        AND o."placedAt" >= ${from.toISOString()}::timestamptz
        AND o."placedAt" < ${new Date(to.getTime() + DAY_MS).toISOString()}::timestamptz
        AND o.status NOT IN ('CANCELLED', 'RETURNED')
      GROUP BY 1, 2
    )
    SELECT to_char(d.day, 'YYYY-MM-DD') AS day, s.currency, COALESCE(s.units, 0)::int AS units, s.revenue::text AS revenue
    FROM generate_series(${iso(from)}::timestamp, ${iso(to)}::timestamp, interval '1 day') AS d(day)
    LEFT JOIN sold s ON s.day = d.day::date
    ORDER BY 1, 2`;

  const days: TrendDay[] = [];
  for (const row of rows) {
    let day = days.at(-1);
    if (day?.date !== row.day) days.push((day = { date: row.day, unitsSold: 0, revenue: [] }));
    if (row.currency == null) continue;
    day.unitsSold += Number(row.units);
    day.revenue.push({ currency: row.currency, amount: row.revenue ?? '0.00' });
  }
  return {
    productId: product.id,
    sku: product.sku,
    from: iso(from),
    to: iso(to),
    unitsSold: days.reduce((n, d) => n + d.unitsSold, 0),
    revenue: sumByCurrency(days.flatMap((d) => d.revenue)),
    days,
  };
}
