import type { z } from 'zod';
import type { SyncConflict } from '../../generated/prisma/client.js';
import type { Actor, AppServices } from '../../core/services.js';
import { transact } from '../../db/transaction.js';
import { recordChange, type ChangeEntity } from '../catalog/change-record.service.js';
import { syncError } from './sync.errors.js';
import { resolveConflictInput } from './sync.inputs.js';
import { applyOrderStock } from '../inventory/order-stock.js';

/**
 * Settles a MANUAL conflict. TAKE_REMOTE puts the marketplace's latest value in place and drops the
 * local edit (recorded in the history); KEEP_LOCAL keeps the local value and queues its push again
 * (order statuses cannot be pushed, so the local status simply stands).
 */
export async function resolveSyncConflict(services: AppServices, actor: Actor, raw: z.input<typeof resolveConflictInput>): Promise<SyncConflict> {
  const { id, resolution } = resolveConflictInput.parse(raw);
  let pushQueued = false;
  const result = await transact(services, actor.name, async (tx, emit) => {
    const [conflict] = await tx.$queryRawUnsafe<SyncConflict[]>(`SELECT * FROM "SyncConflict" WHERE id = $1::uuid FOR UPDATE`, id);
    if (!conflict) throw syncError('NOT_FOUND', `No sync conflict with id ${id}`, ['input', 'id']);
    if (conflict.resolvedAt) throw syncError('ALREADY_RESOLVED', `Conflict ${id} was already resolved (${conflict.resolution}) by ${conflict.resolvedBy}`, ['input', 'id']);
    const history = (entityType: ChangeEntity, entityId: string, field: string, oldValue: string, newValue: string) =>
      recordChange(tx, { entityType, entityId, field, oldValue, newValue, actor: actor.name, source: 'CONFLICT_RESOLUTION' });

    if (conflict.listingId) {
      const listing = await tx.listing.findUniqueOrThrow({ where: { id: conflict.listingId } });
      const kind = conflict.field === 'PRICE' ? 'PRICE' : 'STOCK';
      const local = kind === 'PRICE' ? listing.price.toFixed(2) : String(listing.stock);
      const remote = kind === 'PRICE' ? listing.remotePrice.toFixed(2) : String(listing.remoteStock);
      await tx.pushJob.updateMany({ where: { listingId: listing.id, kind, status: 'PENDING' }, data: { status: 'SUPERSEDED', finishedAt: new Date() } });
      if (resolution === 'TAKE_REMOTE') {
        await tx.listing.update({
          where: { id: listing.id },
          data: kind === 'PRICE' ? { price: listing.remotePrice, priceEditedAt: null, updatedAt: new Date() } : { stock: listing.remoteStock, stockEditedAt: null, updatedAt: new Date() },
        });
        if (local !== remote) {
          await history('Listing', listing.id, kind === 'PRICE' ? 'price' : 'stock', local, remote);
          emit(kind === 'PRICE' ? 'listing.price_changed' : 'listing.stock_changed', {
            listingId: listing.id, productId: listing.productId, accountId: listing.accountId, sku: listing.sku,
            ...(kind === 'PRICE' ? { oldPrice: local, newPrice: remote } : { oldStock: Number(local), newStock: Number(remote) }),
            source: 'CONFLICT_RESOLUTION',
          });
        }
      } else {
        await tx.pushJob.create({ data: { listingId: listing.id, accountId: listing.accountId, kind, value: local } });
        pushQueued = true;
      }
    } else if (conflict.orderId) {
      const order = await tx.order.findUniqueOrThrow({ where: { id: conflict.orderId } });
      if (resolution === 'TAKE_REMOTE') {
        await tx.order.update({ where: { id: order.id }, data: { status: order.remoteOrderStatus, statusEditedAt: null, updatedAt: new Date() } });
        if (order.status !== order.remoteOrderStatus) {
          await history('Order', order.id, 'status', order.status, order.remoteOrderStatus);
          emit('order.status_changed', { orderId: order.id, accountId: order.accountId, externalId: order.externalId, oldStatus: order.status, newStatus: order.remoteOrderStatus, source: 'CONFLICT_RESOLUTION' });
        }
        // The order's lines follow the status it now has in the stock pool.
        if ((await applyOrderStock(tx, emit, order.accountId, [order.id], new Date())).pushes > 0) pushQueued = true;
      }
    }
    return tx.syncConflict.update({ where: { id }, data: { resolution, resolvedBy: actor.name, resolvedAt: new Date() } });
  });
  if (pushQueued) services.wake?.('pushes');
  return result;
}
