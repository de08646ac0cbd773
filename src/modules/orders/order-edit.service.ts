import type { z } from 'zod';
import type { Actor, AppServices } from '../../core/services.js';
import { transact } from '../../db/transaction.js';
import { recordChange } from '../catalog/change-record.service.js';
import { orderNotFound } from './order-edit.errors.js';
import { orderStatusUpdate } from './order-edit.inputs.js';
import { applyOrderStock } from '../inventory/order-stock.js';

/**
 * Sets an order's status in Stockline. No connector can push an order status (see
 * src/connectors/connector.ts), so the change stays local: `statusEditedAt` marks it as standing
 * against the marketplace's value until the two agree again or a sync resolves it.
 */
export async function updateOrderStatus(services: AppServices, actor: Actor, raw: z.input<typeof orderStatusUpdate>) {
  const { orderId, status } = orderStatusUpdate.parse(raw);
  let pushes = 0;
  const result = await transact(services, actor.name, async (tx, emit) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Order" WHERE id = ${orderId}::uuid FOR UPDATE`;
    const current = locked.length ? await tx.order.findUnique({ where: { id: orderId } }) : null;
    if (!current) throw orderNotFound(orderId);
    if (current.status === status) return current;
    const now = new Date();
    const order = await tx.order.update({
      where: { id: orderId },
      data: { status, statusEditedAt: status === current.remoteOrderStatus ? null : now, updatedAt: now },
    });
    await recordChange(tx, { entityType: 'Order', entityId: orderId, field: 'status', oldValue: current.status, newValue: status, actor: actor.name, source: 'USER' });
    emit('order.status_changed', { orderId, accountId: current.accountId, externalId: current.externalId, oldStatus: current.status, newStatus: status, source: 'USER' });
    // The order's lines reserve, consume or release pool stock by its status, as a synced change does.
    pushes = (await applyOrderStock(tx, emit, current.accountId, [orderId], now)).pushes;
    return order;
  });
  if (pushes > 0) services.wake?.('pushes');
  return result;
}
