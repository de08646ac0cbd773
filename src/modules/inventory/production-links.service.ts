/** Which product a batch makes, and which of a work center's units count: the links from production to the pool. */
import type { z } from 'zod';
import type { Actor, AppServices } from '../../core/services.js';
import { transact } from '../../db/transaction.js';
import { inventoryError, productNotFound } from './inventory.errors.js';
import { batchProduct, workCenterStockFrom } from './inventory.inputs.js';

/**
 * Names the product a batch makes (null: found by mapping when it closes). A closed batch keeps
 * what it posted until it is reopened; closing it again posts to the product named then.
 */
export async function setBatchProduct(services: AppServices, actor: Actor, raw: z.input<typeof batchProduct>) {
  const input = batchProduct.parse(raw);
  return transact(services, actor.name, async (tx, emit) => {
    if (!(await tx.batch.findUnique({ where: { id: input.batchId }, select: { id: true } }))) {
      throw inventoryError('BATCH_NOT_FOUND', `No batch with id ${input.batchId}`, ['input', 'batchId']);
    }
    if (input.productId && !(await tx.product.findUnique({ where: { id: input.productId }, select: { id: true } }))) throw productNotFound(input.productId);
    const batch = await tx.batch.update({ where: { id: input.batchId }, data: { productId: input.productId } });
    emit('batch.updated', { batch, changed: ['productId'] });
    return batch;
  });
}

/** Whether closing a batch of this work center posts all its units or only the aggregated ones. */
export async function setWorkCenterStockFrom(services: AppServices, actor: Actor, raw: z.input<typeof workCenterStockFrom>) {
  const input = workCenterStockFrom.parse(raw);
  return transact(services, actor.name, async (tx, emit) => {
    if (!(await tx.workCenter.findUnique({ where: { id: input.workCenterId }, select: { id: true } }))) {
      throw inventoryError('WORK_CENTER_NOT_FOUND', `No work center with id ${input.workCenterId}`, ['input', 'workCenterId']);
    }
    const workCenter = await tx.workCenter.update({ where: { id: input.workCenterId }, data: { stockFrom: input.stockFrom } });
    emit('work_center.updated', { workCenter });
    return workCenter;
  });
}
