import { z } from 'zod';
import { textProblem } from '../../core/well-formed-text.js';
import { orderedEnds } from '../../shared/date-range.js';

// The rules every caller (GraphQL, import, CLI) gets, whatever its own input layer checks.

/** NUL and lone surrogates are refused here too: imports and the CLI do not pass the GraphQL check. */
const wellFormed = (field: string) => (value: string, ctx: z.RefinementCtx) => {
  const problem = textProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `${field} ${problem}` });
};
const text = (field: string, max = 500) => z.string().trim().min(1, `${field} must not be empty`).max(max, `${field} is at most ${max} characters`).superRefine(wellFormed(field));
const id = z.uuid('must be a valid id');
const code = z.string().trim().min(1, 'code must not be empty').max(200, 'code is at most 200 characters').superRefine(wellFormed('code'));
/** PostgreSQL integer: larger numbers cannot be stored. */
export const MAX_INT = 2_147_483_647;

export const workCenterCreate = z.object({ identifier: text('identifier', 100), name: text('name', 200) });
export const workCenterUpdate = z.object({ id, identifier: text('identifier', 100).nullish(), name: text('name', 200).nullish() });

const batchFields = {
  taskDescription: text('taskDescription', 2000),
  shift: text('shift', 100),
  team: text('team', 200),
  batchNumber: z.number().int().positive('batchNumber must be positive').max(MAX_INT, `batchNumber is at most ${MAX_INT}`),
  batchDate: z.date(),
  nomenclature: text('nomenclature', 500),
  eknCode: text('eknCode', 100),
  shiftStart: z.date(),
  shiftEnd: z.date(),
  workCenterId: id,
};

const shiftOrder = (v: { shiftStart?: Date | null; shiftEnd?: Date | null }) =>
  !v.shiftStart || !v.shiftEnd || v.shiftEnd.getTime() > v.shiftStart.getTime();
const shiftOrderIssue = { message: 'shiftEnd must be after shiftStart', path: ['shiftEnd'] };

export const batchCreate = z
  .object({ ...batchFields, closed: z.boolean().nullish() })
  .refine(shiftOrder, shiftOrderIssue);

export const batchUpdate = z.object({
  id,
  ...Object.fromEntries(Object.entries(batchFields).map(([k, v]) => [k, v.nullish()])),
}) as z.ZodType<{ id: string } & Partial<{ [K in keyof typeof batchFields]: z.infer<(typeof batchFields)[K]> | null }>>;

export const byId = z.object({ id });
export const closeBatch = z.object({ id, closedAt: z.date().nullish() });
export const unitRef = z.object({ batchId: id, code });
export const aggregateUnit = z.object({ batchId: id, code, aggregatedAt: z.date().nullish() });
export const aggregateBatch = z.object({
  batchId: id,
  codes: z.array(code).min(1, 'give at least one code, or omit codes to aggregate the whole batch').max(10_000).nullish(),
  aggregatedAt: z.date().nullish(),
});

export type BatchCreate = z.infer<typeof batchCreate>;
export type BatchUpdate = z.infer<typeof batchUpdate>;
export { shiftOrder };

/**
 * What a batch list filter (the `batches` query, exportBatches) must hold beyond its GraphQL
 * types: a filter no batch could match by these rules is a mistake of the caller, refused, not an
 * empty list. Other keys pass through untouched.
 */
export const batchFilterRules = z
  .looseObject({
    batchNumber: z.number().int().positive('batchNumber must be positive').nullish(),
    batchDateFrom: z.date().nullish(),
    batchDateTo: z.date().nullish(),
  })
  .superRefine(orderedEnds('batchDateFrom', 'batchDateTo', 'day'));
