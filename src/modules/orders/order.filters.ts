import { sortWithTieBreak } from '../../db/order-by.js';
import type { Channel, OrderStatus, Prisma } from '../../generated/prisma/client.js';
import { isUuid } from '../../core/ids.js';
import { timeRange } from '../../shared/date-range.js';

/** Order list filters, shared by the `orders` query and (later) exports. */
export interface OrderFilter {
  channel?: Channel | null;
  accountId?: string | null;
  /** Any of these statuses; empty or left out: every status. */
  status?: readonly OrderStatus[] | null;
  /** Placed at or after. */
  placedFrom?: Date | null;
  /** Placed before (exclusive), so consecutive ranges never count an order twice. */
  placedTo?: Date | null;
  /** Part of the marketplace's order id, any case. */
  search?: string | null;
}

/** What an order filter must hold beyond its GraphQL types: placedTo not before placedFrom. */
export const orderFilterRules = timeRange('placedFrom', 'placedTo');

export function orderWhere(filter: OrderFilter | null | undefined): Prisma.OrderWhereInput {
  if (!filter) return {};
  // An id that is not a UUID names no account (and PostgreSQL would refuse to compare it).
  if (filter.accountId && !isUuid(filter.accountId)) return { id: { in: [] } };
  const where: Prisma.OrderWhereInput = {};
  if (filter.accountId) where.accountId = filter.accountId;
  if (filter.channel) where.account = { channel: filter.channel };
  if (filter.status?.length) where.status = { in: [...filter.status] };
  if (filter.placedFrom || filter.placedTo) {
    where.placedAt = { ...(filter.placedFrom ? { gte: filter.placedFrom } : {}), ...(filter.placedTo ? { lt: filter.placedTo } : {}) };
  }
  const search = filter.search?.trim();
  if (search) where.externalId = { contains: search, mode: 'insensitive' };
  return where;
}

/** Every order column a list can be sorted by; ties are broken by id so pages never overlap. */
export const orderSortFields = {
  PLACED_AT: 'placedAt',
  TOTAL: 'total',
  STATUS: 'status',
} as const satisfies Record<string, keyof Prisma.OrderOrderByWithRelationInput>;

export type OrderSortField = keyof typeof orderSortFields;

/** Default: newest first. */
export function orderOrderBy(field: OrderSortField = 'PLACED_AT', direction: 'ASC' | 'DESC' = field === 'PLACED_AT' ? 'DESC' : 'ASC'): Prisma.OrderOrderByWithRelationInput[] {
  return sortWithTieBreak(orderSortFields[field], direction, false);
}
