import type { z } from 'zod';
import type { Actor, AppServices } from '../../core/services.js';
import { transact, type Emit, type Tx } from '../../db/transaction.js';
import { isUniqueViolation } from '../../db/errors.js';
import { aggregateBatch as aggregateBatchInput, aggregateUnit as aggregateUnitInput, unitRef } from './production.inputs.js';
import { productionError } from './production.errors.js';
import { requireBatch } from './batch.service.js';
import { DomainErrors, type DomainError } from '../../core/domain-error.js';
import type { RowQuery } from '../../core/row-query.js';
import { postBatchStock } from '../inventory/production-stock.js';

/**
 * Units aggregated in a closed batch change what it posted when its work center counts aggregated
 * units only: the pool follows (the batch row locked, as close and reopen lock it). Returns the
 * pushes queued.
 */
async function followAggregation(tx: Tx, emit: Emit, batchId: string, actor: string): Promise<number> {
  const [locked] = await tx.$queryRaw<{ closed: boolean }[]>`SELECT closed FROM "Batch" WHERE id = ${batchId}::uuid FOR UPDATE`;
  if (!locked?.closed) return 0;
  return (await postBatchStock(tx, emit, await tx.batch.findUniqueOrThrow({ where: { id: batchId } }), actor)).pushes;
}

const codeTaken = (code: string) => productionError('UNIT_CODE_TAKEN', `Unit code "${code}" is already in use`, ['input', 'code']);

export async function addUnitToBatch(services: AppServices, actor: Actor, raw: z.input<typeof unitRef>) {
  const { batchId, code } = unitRef.parse(raw);
  try {
    return await transact(services, actor.name, async (tx, emit) => {
      const batch = await requireBatch(tx, batchId, 'batchId');
      if (batch.closed) throw productionError('BATCH_CLOSED', `Batch ${batch.batchNumber} is closed; reopen it to add units`, ['input', 'batchId']);
      if (await tx.unit.findUnique({ where: { code }, select: { id: true } })) throw codeTaken(code);
      const unit = await tx.unit.create({ data: { batchId, code } });
      emit('batch.product_added', { batchId, unit });
      return unit;
    });
  } catch (error) {
    throw isUniqueViolation(error) ? codeTaken(code) : error;
  }
}

/** Returns the unit as it was, read with `query` (what the caller selects under it) before it goes. */
export async function removeUnitFromBatch(services: AppServices, actor: Actor, raw: z.input<typeof unitRef>, query: RowQuery = {}) {
  const { batchId, code } = unitRef.parse(raw);
  return transact(services, actor.name, async (tx, emit) => {
    const batch = await requireBatch(tx, batchId, 'batchId');
    const unit = await tx.unit.findUnique({ where: { code } });
    if (!unit || unit.batchId !== batchId) throw productionError('UNIT_NOT_FOUND', `Batch ${batch.batchNumber} has no unit "${code}"`, ['input', 'code']);
    if (batch.closed) throw productionError('BATCH_CLOSED', `Batch ${batch.batchNumber} is closed; reopen it to remove units`, ['input', 'batchId']);
    if (unit.aggregated) throw productionError('UNIT_AGGREGATED', `Unit "${code}" is aggregated and cannot be removed`, ['input', 'code']);
    const answer = await tx.unit.findUniqueOrThrow({ ...(query as object), where: { id: unit.id } });
    await tx.unit.delete({ where: { id: unit.id } });
    emit('batch.product_removed', { batchId, unit });
    return answer;
  });
}

export async function aggregateUnit(services: AppServices, actor: Actor, raw: z.input<typeof aggregateUnitInput>) {
  const { batchId, code, aggregatedAt } = aggregateUnitInput.parse(raw);
  let pushes = 0;
  const result = await transact(services, actor.name, async (tx, emit) => {
    await requireBatch(tx, batchId, 'batchId');
    const unit = await tx.unit.findUnique({ where: { code } });
    if (!unit) throw productionError('UNIT_NOT_FOUND', `No unit with code "${code}"`, ['input', 'code']);
    if (unit.batchId !== batchId) throw productionError('UNIT_IN_ANOTHER_BATCH', `Unit "${code}" belongs to another batch`, ['input', 'code']);
    // Conditional on `aggregated = false`, so a concurrent second aggregation is refused, not repeated.
    const { count } = await tx.unit.updateMany({ where: { id: unit.id, aggregated: false }, data: { aggregated: true, aggregatedAt: aggregatedAt ?? new Date() } });
    if (count === 0) throw alreadyAggregated(code, unit.aggregatedAt);
    const updated = await tx.unit.findUniqueOrThrow({ where: { id: unit.id } });
    emit('product.aggregated', { batchId, unit: updated });
    pushes = await followAggregation(tx, emit, batchId, actor.name);
    return updated;
  });
  if (pushes > 0) services.wake?.('pushes');
  return result;
}

const alreadyAggregated = (code: string, at: Date | null, field: string[] = ['input', 'code']) =>
  productionError('UNIT_ALREADY_AGGREGATED', `Unit "${code}" was already aggregated${at ? ` at ${at.toISOString()}` : ''}`, field);

/**
 * Aggregates every unit of the batch not yet aggregated, or exactly the given codes. With codes it
 * is all or nothing: one unknown, foreign or already aggregated code refuses the whole call.
 */
export async function aggregateBatch(services: AppServices, actor: Actor, raw: z.input<typeof aggregateBatchInput>) {
  const { batchId, codes, aggregatedAt } = aggregateBatchInput.parse(raw);
  const at = aggregatedAt ?? new Date();
  let pushes = 0;
  const result = await transact(services, actor.name, async (tx, emit) => {
    const batch = await requireBatch(tx, batchId, 'batchId');
    // Codes are listed in the event only when the caller named them; a whole batch is one update.
    let aggregatedCount: number;
    let aggregatedCodes: string[] | undefined;
    if (codes) {
      const unique = [...new Set(codes)];
      const units = await tx.unit.findMany({ where: { code: { in: unique } } });
      const byCode = new Map(units.map((u) => [u.code, u]));
      const problems = unique.flatMap((code): DomainError[] => {
        const unit = byCode.get(code);
        const field = ['input', 'codes', String(codes.indexOf(code))];
        if (!unit) return [productionError('UNIT_NOT_FOUND', `No unit with code "${code}"`, field)];
        if (unit.batchId !== batchId) return [productionError('UNIT_IN_ANOTHER_BATCH', `Unit "${code}" belongs to another batch`, field)];
        if (unit.aggregated) return [alreadyAggregated(code, unit.aggregatedAt, field)];
        return [];
      });
      if (problems.length) throw new DomainErrors(problems);
      const { count } = await tx.unit.updateMany({ where: { batchId, code: { in: unique }, aggregated: false }, data: { aggregated: true, aggregatedAt: at } });
      if (count !== unique.length) throw productionError('UNIT_ALREADY_AGGREGATED', 'Some units were aggregated concurrently; nothing was changed', ['input', 'codes']);
      aggregatedCodes = unique;
      aggregatedCount = count;
    } else {
      ({ count: aggregatedCount } = await tx.unit.updateMany({ where: { batchId, aggregated: false }, data: { aggregated: true, aggregatedAt: at } }));
    }
    emit('batch.aggregated', { batchId, batchNumber: batch.batchNumber, aggregatedCount, codes: aggregatedCodes ?? null, aggregatedAt: at.toISOString() });
    if (aggregatedCount > 0) pushes = await followAggregation(tx, emit, batchId, actor.name);
    return { batch, aggregatedCount };
  });
  if (pushes > 0) services.wake?.('pushes');
  return result;
}

