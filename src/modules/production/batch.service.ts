import type { z } from 'zod';
import type { Actor, AppServices } from '../../core/services.js';
import { transact, type Tx } from '../../db/transaction.js';
import { isUniqueViolation } from '../../db/errors.js';
import { batchCreate, batchUpdate, byId, closeBatch as closeInput, shiftOrder } from './production.inputs.js';
import { batchNotFound, productionError } from './production.errors.js';
import type { RowQuery } from '../../core/row-query.js';
import { postBatchStock } from '../inventory/production-stock.js';

const duplicateBatch = (batchNumber: number, batchDate: Date) =>
  productionError(
    'DUPLICATE_BATCH',
    `Batch number ${batchNumber} already exists for ${batchDate.toISOString().slice(0, 10)}`,
    ['input', 'batchNumber'],
  );

async function requireWorkCenter(tx: Tx, id: string) {
  if (!(await tx.workCenter.findUnique({ where: { id }, select: { id: true } }))) {
    throw productionError('WORK_CENTER_NOT_FOUND', `No work center with id ${id}`, ['input', 'workCenterId']);
  }
}

async function assertBatchNumberFree(tx: Tx, batchNumber: number, batchDate: Date, exceptId?: string) {
  const other = await tx.batch.findUnique({ where: { batchNumber_batchDate: { batchNumber, batchDate } }, select: { id: true } });
  if (other && other.id !== exceptId) throw duplicateBatch(batchNumber, batchDate);
}

export async function requireBatch(tx: Tx, id: string, field = 'id') {
  const batch = await tx.batch.findUnique({ where: { id } });
  if (!batch) throw batchNotFound(id, field);
  return batch;
}

export async function createBatch(services: AppServices, actor: Actor, raw: z.input<typeof batchCreate>) {
  const { closed, ...input } = batchCreate.parse(raw);
  try {
    return await transact(services, actor.name, async (tx, emit) => {
      await requireWorkCenter(tx, input.workCenterId);
      await assertBatchNumberFree(tx, input.batchNumber, input.batchDate);
      const batch = await tx.batch.create({ data: { ...input, closed: closed ?? false, closedAt: closed ? new Date() : null } });
      emit('batch.created', { batch });
      return batch;
    });
  } catch (error) {
    throw isUniqueViolation(error) ? duplicateBatch(input.batchNumber, input.batchDate) : error;
  }
}

/** Changes any of the given fields; fields left out (or null) keep their value. */
export async function updateBatch(services: AppServices, actor: Actor, raw: z.input<typeof batchUpdate>) {
  const { id, ...patch } = batchUpdate.parse(raw);
  const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null && v !== undefined));
  let next: { batchNumber: number; batchDate: Date } | undefined;
  try {
    return await transact(services, actor.name, async (tx, emit) => {
      const current = await requireBatch(tx, id);
      const merged = { ...current, ...changes };
      next = merged;
      if (!shiftOrder(merged)) throw productionError('INVALID_SHIFT', 'shiftEnd must be after shiftStart', ['input', changes.shiftEnd ? 'shiftEnd' : 'shiftStart']);
      if (changes.workCenterId) await requireWorkCenter(tx, merged.workCenterId);
      if (changes.batchNumber !== undefined || changes.batchDate) await assertBatchNumberFree(tx, merged.batchNumber, merged.batchDate, id);
      const batch = await tx.batch.update({ where: { id }, data: changes });
      emit('batch.updated', { batch, changed: Object.keys(changes) });
      return batch;
    });
  } catch (error) {
    // A concurrent writer took the number between our check and the update.
    throw isUniqueViolation(error) && next ? duplicateBatch(next.batchNumber, next.batchDate) : error;
  }
}

export async function closeBatch(services: AppServices, actor: Actor, raw: z.input<typeof closeInput>) {
  const { id, closedAt } = closeInput.parse(raw);
  let pushes = 0;
  const closed = await transact(services, actor.name, async (tx, emit) => {
    // The conditional update makes two concurrent closes resolve to one success and one refusal.
    const { count } = await tx.batch.updateMany({ where: { id, closed: false }, data: { closed: true, closedAt: closedAt ?? new Date() } });
    const batch = await requireBatch(tx, id);
    if (count === 0) throw productionError('BATCH_ALREADY_CLOSED', `Batch ${batch.batchNumber} is already closed`, ['input', 'id']);
    emit('batch.closed', { batch });
    // Its units enter the stock pool (src/modules/inventory).
    pushes = (await postBatchStock(tx, emit, batch, actor.name)).pushes;
    return batch;
  });
  if (pushes > 0) services.wake?.('pushes');
  return closed;
}

export async function reopenBatch(services: AppServices, actor: Actor, raw: z.input<typeof byId>) {
  const { id } = byId.parse(raw);
  let pushes = 0;
  const opened = await transact(services, actor.name, async (tx, emit) => {
    const { count } = await tx.batch.updateMany({ where: { id, closed: true }, data: { closed: false, closedAt: null } });
    const batch = await requireBatch(tx, id);
    if (count === 0) throw productionError('BATCH_NOT_CLOSED', `Batch ${batch.batchNumber} is not closed`, ['input', 'id']);
    emit('batch.opened', { batch });
    // What its closing posted to the stock pool is taken back.
    pushes = (await postBatchStock(tx, emit, batch, actor.name)).pushes;
    return batch;
  });
  if (pushes > 0) services.wake?.('pushes');
  return opened;
}

/**
 * Only a closed batch may be deleted; its units go with it, and so does what it posted to the stock
 * pool (a reversing PRODUCTION movement, "batch <n> deleted"). Returns the batch as it was, read with
 * `query` (what the caller selects under it, units and counts too) before it goes.
 */
export async function deleteBatch(services: AppServices, actor: Actor, raw: z.input<typeof byId>, query: RowQuery = {}) {
  const { id } = byId.parse(raw);
  let pushes = 0;
  const deleted = await transact(services, actor.name, async (tx, emit) => {
    // Locked: a concurrent delete waits, then finds no batch (NOT_FOUND), and the units leave the pool once.
    await tx.$queryRaw`SELECT id FROM "Batch" WHERE id = ${id}::uuid FOR UPDATE`;
    const batch = await requireBatch(tx, id);
    if (!batch.closed) throw productionError('BATCH_NOT_CLOSED', `Batch ${batch.batchNumber} is open; close it before deleting`, ['input', 'id']);
    const [units, aggregatedUnitCount, answer] = await Promise.all([
      tx.unit.count({ where: { batchId: id } }),
      tx.unit.count({ where: { batchId: id, aggregated: true } }),
      tx.batch.findUniqueOrThrow({ ...(query as object), where: { id } }),
    ]);
    // Its units no longer exist: what its closing posted to the stock pool is taken back.
    pushes = (await postBatchStock(tx, emit, batch, actor.name, { deleting: true })).pushes;
    await tx.batch.delete({ where: { id } });
    emit('batch.deleted', { batch, unitsDeleted: units });
    return { batch: answer, aggregatedUnitCount };
  });
  if (pushes > 0) services.wake?.('pushes');
  return deleted;
}
