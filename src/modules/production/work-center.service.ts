import type { z } from 'zod';
import type { Actor, AppServices } from '../../core/services.js';
import { transact } from '../../db/transaction.js';
import { isUniqueViolation } from '../../db/errors.js';
import { byId, workCenterCreate, workCenterUpdate } from './production.inputs.js';
import { productionError } from './production.errors.js';
import type { RowQuery } from '../../core/row-query.js';

const duplicate = (identifier: string) =>
  productionError('DUPLICATE_IDENTIFIER', `A work center with identifier "${identifier}" already exists`, ['input', 'identifier']);

export async function createWorkCenter(services: AppServices, actor: Actor, raw: z.input<typeof workCenterCreate>) {
  const input = workCenterCreate.parse(raw);
  try {
    return await transact(services, actor.name, async (tx, emit) => {
      if (await tx.workCenter.findUnique({ where: { identifier: input.identifier }, select: { id: true } })) throw duplicate(input.identifier);
      const workCenter = await tx.workCenter.create({ data: input });
      emit('work_center.created', { workCenter });
      return workCenter;
    });
  } catch (error) {
    throw isUniqueViolation(error) ? duplicate(input.identifier) : error;
  }
}

export async function updateWorkCenter(services: AppServices, actor: Actor, raw: z.input<typeof workCenterUpdate>) {
  const { id, identifier, name } = workCenterUpdate.parse(raw);
  try {
    return await transact(services, actor.name, async (tx, emit) => {
      const existing = await tx.workCenter.findUnique({ where: { id } });
      if (!existing) throw productionError('NOT_FOUND', `No work center with id ${id}`, ['input', 'id']);
      if (identifier && identifier !== existing.identifier && (await tx.workCenter.findUnique({ where: { identifier }, select: { id: true } }))) {
        throw duplicate(identifier);
      }
      const workCenter = await tx.workCenter.update({
        where: { id },
        data: { ...(identifier ? { identifier } : {}), ...(name ? { name } : {}) },
      });
      emit('work_center.updated', { workCenter, previous: existing });
      return workCenter;
    });
  } catch (error) {
    throw isUniqueViolation(error) && identifier ? duplicate(identifier) : error;
  }
}

/**
 * A work center that batches still refer to is kept: deleting it would orphan their history.
 * Returns it as it was, read with `query` (what the caller selects under it) before it goes.
 */
export async function deleteWorkCenter(services: AppServices, actor: Actor, raw: z.input<typeof byId>, query: RowQuery = {}) {
  const { id } = byId.parse(raw);
  return transact(services, actor.name, async (tx, emit) => {
    const existing = await tx.workCenter.findUnique({ where: { id }, include: { _count: { select: { batches: true } } } });
    if (!existing) throw productionError('NOT_FOUND', `No work center with id ${id}`, ['input', 'id']);
    if (existing._count.batches > 0) {
      throw productionError('WORK_CENTER_IN_USE', `Work center "${existing.identifier}" still has ${existing._count.batches} batch(es); delete or move them first`, ['input', 'id']);
    }
    const { _count, ...workCenter } = existing;
    const answer = await tx.workCenter.findUniqueOrThrow({ ...(query as object), where: { id } });
    await tx.workCenter.delete({ where: { id } });
    emit('work_center.deleted', { workCenter });
    return answer;
  });
}
