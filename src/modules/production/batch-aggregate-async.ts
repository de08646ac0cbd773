/**
 * `aggregateBatchAsync` task: aggregateBatch for sets too large for one request. Works in chunks,
 * each one a call of `aggregateBatch` (same rules, same `batch.aggregated` event per chunk), so
 * aggregated units are committed as it goes and progress is reported per chunk. Unlike the
 * synchronous mutation, refused codes do not stop the others: every pending code is aggregated and
 * each refused one is reported with the error aggregateBatch gives for it.
 */
import { z } from 'zod';
import { DomainError, DomainErrors } from '../../core/domain-error.js';
import { taskBatchNotFound } from '../tasks/task.errors.js';
import { TaskUserError, type TaskContext, type TaskKind } from '../tasks/task-kinds.js';
import { aggregateBatch } from './unit.service.js';
import { createTask } from '../tasks/task.service.js';
import type { Actor, AppServices } from '../../core/services.js';

/** Codes per aggregateBatch call (one transaction each). */
export const AGGREGATE_CHUNK_SIZE = 500;
/** Refused codes listed in the result (`refusedCount` is always exact). */
export const MAX_REPORTED_REFUSALS = 1000;

const code = z.string().trim().min(1, 'code must not be empty').max(200, 'code is at most 200 characters');

export const aggregateBatchAsyncInput = z.object({
  batchId: z.uuid('must be a valid id'),
  codes: z.array(code).min(1, 'give at least one code, or omit codes to aggregate every pending unit').max(200_000).nullish(),
  aggregatedAt: z.iso.datetime({ offset: true }).nullish(),
});

export interface RefusedCode {
  code: string;
  /** The ProductionError code aggregateBatch gives (UNIT_NOT_FOUND, UNIT_IN_ANOTHER_BATCH, UNIT_ALREADY_AGGREGATED). */
  errorCode: string;
  message: string;
  /** Path of the code in the task's input (input.codes.<index>). */
  field: string[];
}

export interface AggregateBatchAsyncResult {
  batchId: string;
  aggregatedCount: number;
  refusedCount: number;
  refused: RefusedCode[];
}

interface Checkpoint {
  next: number;
  aggregatedCount: number;
  refusedCount: number;
  refused: RefusedCode[];
}

type Ctx = TaskContext<z.infer<typeof aggregateBatchAsyncInput>>;

/** Aggregates the chunk, dropping each refused code and trying the rest again; returns how many it aggregated. */
async function aggregateChunk(ctx: Ctx, chunk: { code: string; index: number }[], at: Date, refuse: (r: RefusedCode) => void): Promise<number> {
  let rest = chunk;
  for (let round = 0; rest.length > 0 && round < 5; round++) {
    try {
      const { aggregatedCount } = await aggregateBatch(ctx.services, ctx.actor, { batchId: ctx.input.batchId, codes: rest.map((c) => c.code), aggregatedAt: at });
      return aggregatedCount;
    } catch (error) {
      const problems = error instanceof DomainErrors ? error.errors : error instanceof DomainError ? [error] : null;
      if (!problems) throw error;
      if (problems.some((p) => p.code === 'NOT_FOUND')) throw new TaskUserError(problems[0]!.message);
      const refusedIndexes = new Set<number>();
      for (const p of problems) {
        const at = p.field?.[0] === 'input' && p.field[1] === 'codes' && p.field[2] !== undefined ? Number(p.field[2]) : NaN;
        const item = Number.isInteger(at) ? rest[at] : undefined;
        // Without a code (units aggregated concurrently) the chunk is simply tried again.
        if (!item) continue;
        refusedIndexes.add(at);
        refuse({ code: item.code, errorCode: p.code, message: p.message, field: ['input', 'codes', String(item.index)] });
      }
      rest = rest.filter((_, i) => !refusedIndexes.has(i));
    }
  }
  return 0;
}

export async function runAggregateBatchAsync(ctx: Ctx): Promise<AggregateBatchAsyncResult> {
  const { batchId, codes } = ctx.input;
  const { prisma } = ctx.services;
  const at = ctx.input.aggregatedAt ? new Date(ctx.input.aggregatedAt) : new Date();
  if (!(await prisma.batch.findUnique({ where: { id: batchId }, select: { id: true } }))) throw new TaskUserError(`No batch with id ${batchId}`);
  const resumed = ctx.checkpoint as Checkpoint | null;
  const state: Checkpoint = resumed ?? { next: 0, aggregatedCount: 0, refusedCount: 0, refused: [] };
  const refuse = (r: RefusedCode) => {
    state.refusedCount++;
    if (state.refused.length < MAX_REPORTED_REFUSALS) state.refused.push(r);
  };

  if (codes) {
    // Each distinct code once, at its first position (as aggregateBatch reports it).
    const firstIndex = new Map<string, number>();
    codes.forEach((c, i) => firstIndex.has(c) || firstIndex.set(c, i));
    const items = [...firstIndex].map(([c, index]) => ({ code: c, index }));
    await ctx.progress(state.next, items.length);
    while (state.next < items.length) {
      ctx.signal.throwIfAborted();
      const chunk = items.slice(state.next, state.next + AGGREGATE_CHUNK_SIZE);
      state.aggregatedCount += await aggregateChunk(ctx, chunk, at, refuse);
      state.next += chunk.length;
      await ctx.saveCheckpoint(state);
      await ctx.progress(state.next, items.length);
    }
  } else {
    // Every unit pending now; units added meanwhile are taken too (the total grows with them).
    let total = state.next + (await prisma.unit.count({ where: { batchId, aggregated: false } }));
    await ctx.progress(state.next, total);
    for (;;) {
      ctx.signal.throwIfAborted();
      const pending = await prisma.unit.findMany({ where: { batchId, aggregated: false }, select: { code: true }, orderBy: { id: 'asc' }, take: AGGREGATE_CHUNK_SIZE });
      if (pending.length === 0) break;
      const done = await aggregateChunk(ctx, pending.map((u, index) => ({ code: u.code, index })), at, () => undefined);
      state.aggregatedCount += done;
      state.next += done;
      total = Math.max(total, state.next);
      await ctx.saveCheckpoint(state);
      await ctx.progress(state.next, total);
      if (done === 0) break; // nothing left that this batch can aggregate
    }
  }
  return { batchId, aggregatedCount: state.aggregatedCount, refusedCount: state.refusedCount, refused: state.refused };
}

/** The `aggregateBatchAsync` task kind (declared in src/registry.ts). */
export const aggregateBatchAsyncTask: TaskKind<z.infer<typeof aggregateBatchAsyncInput>, AggregateBatchAsyncResult> = {
  description: 'Aggregates every pending unit of a batch, or the given codes, in chunks',
  input: aggregateBatchAsyncInput,
  run: runAggregateBatchAsync,
};

/** Queues the aggregation; refused at once (typed) when the input is bad or the batch is unknown. */
export async function startAggregateBatchAsync(services: AppServices, actor: Actor, raw: { batchId: string; codes?: string[] | null; aggregatedAt?: Date | null }) {
  const input = aggregateBatchAsyncInput.parse({ ...raw, aggregatedAt: raw.aggregatedAt ? raw.aggregatedAt.toISOString() : null });
  if (!(await services.prisma.batch.findUnique({ where: { id: input.batchId }, select: { id: true } }))) {
    throw taskBatchNotFound(input.batchId);
  }
  return createTask(services, actor, { kind: 'aggregateBatchAsync', input });
}
