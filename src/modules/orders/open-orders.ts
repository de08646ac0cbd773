import type { AppServices } from '../../core/services.js';
import type { OrderStatus } from '../../generated/prisma/client.js';

/** Statuses after which the marketplace no longer changes an order. */
const CLOSED: OrderStatus[] = ['DELIVERED', 'CANCELLED', 'RETURNED'];

/** Enough for a busy seller's orders in flight, and a bounded re-read. */
export const MAX_OPEN_ORDERS = 1000;

/**
 * External ids of the account's orders still open on the marketplace (its last reported status,
 * not a user's local one), most recently placed first, at most MAX_OPEN_ORDERS: the orders an
 * orders sync asks the connector to re-read when its listing cannot see their changes.
 */
export async function openOrderIds(services: AppServices, accountId: string): Promise<string[]> {
  const open = await services.prisma.order.findMany({
    where: { accountId, remoteOrderStatus: { notIn: CLOSED } },
    orderBy: [{ placedAt: 'desc' }, { id: 'asc' }],
    take: MAX_OPEN_ORDERS,
    select: { externalId: true },
  });
  return open.map((o) => o.externalId);
}
