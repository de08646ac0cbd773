import { builder } from '../../graphql/builder.js';
import { runMutation } from '../../graphql/payload.js';
import { selectionUnder } from '../../graphql/deleted-row.js';
import { ProductionError } from './production-error.schema.js';
import { Batch } from './batch.schema.js';
import { addUnitToBatch, aggregateBatch, aggregateUnit, removeUnitFromBatch } from './unit.service.js';
import { isUuid } from '../../core/ids.js';

export const Unit = builder.prismaObject('Unit', {
  description: 'A serialized item of a batch; its code is unique across the system.',
  fields: (t) => ({
    id: t.exposeID('id'),
    code: t.exposeString('code'),
    aggregated: t.exposeBoolean('aggregated'),
    aggregatedAt: t.expose('aggregatedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    batch: t.relation('batch'),
  }),
});

const UnitFilter = builder.inputType('UnitFilter', {
  fields: (t) => ({
    batchId: t.id({ required: false }),
    code: t.string({ required: false }),
    aggregated: t.boolean({ required: false }),
  }),
});

function unitWhere(filter?: { batchId?: string | number | null; code?: string | null; aggregated?: boolean | null } | null) {
  return {
    ...(filter?.batchId != null ? { batchId: String(filter.batchId) } : {}),
    ...(filter?.code ? { code: filter.code } : {}),
    ...(filter?.aggregated != null ? { aggregated: filter.aggregated } : {}),
  };
}

builder.queryFields((t) => ({
  units: t.prismaConnection({
    type: 'Unit',
    cursor: 'id',
    authScopes: { viewer: true },
    args: { filter: t.arg({ type: UnitFilter, required: false }) },
    totalCount: (_c, args, ctx) => ctx.prisma.unit.count({ where: unitWhere(args.filter) }),
    resolve: (query, _root, args, ctx) => {
      if (args.filter?.batchId != null && !isUuid(String(args.filter.batchId))) return [];
      return ctx.prisma.unit.findMany({ ...query, where: unitWhere(args.filter), orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    },
  }),
  unit: t.prismaField({
    type: 'Unit',
    nullable: true,
    authScopes: { viewer: true },
    args: { id: t.arg.id({ required: false }), code: t.arg.string({ required: false }) },
    description: 'A unit by id or by code.',
    resolve: (query, _root, { id, code }, ctx) => {
      if (id != null) return isUuid(String(id)) ? ctx.prisma.unit.findUnique({ ...query, where: { id: String(id) } }) : null;
      return code ? ctx.prisma.unit.findUnique({ ...query, where: { code } }) : null;
    },
  }),
}));

const UnitPayload = builder.simpleObject('UnitPayload', {
  fields: (t) => ({
    unit: t.field({ type: Unit, nullable: true }),
    errors: t.field({ type: [ProductionError] }),
  }),
});

const AggregateBatchPayload = builder.simpleObject('AggregateBatchPayload', {
  fields: (t) => ({
    batch: t.field({ type: Batch, nullable: true }),
    aggregatedCount: t.int({ nullable: true, description: 'How many units this call aggregated.' }),
    errors: t.field({ type: [ProductionError], description: 'One entry per refused code; when any, nothing was aggregated.' }),
  }),
});

const UnitRefInput = (name: string) => builder.inputType(name, { fields: (f) => ({ batchId: f.id(), code: f.string() }) });

builder.mutationFields((t) => ({
  addUnitToBatch: t.field({
    type: UnitPayload,
    authScopes: { operator: true },
    args: { input: t.arg({ type: UnitRefInput('AddUnitToBatchInput') }) },
    resolve: (_r, { input }, ctx) => runMutation('unit', () => addUnitToBatch(ctx, ctx.actor!, { ...input, batchId: String(input.batchId) })),
  }),
  removeUnitFromBatch: t.field({
    type: UnitPayload,
    authScopes: { operator: true },
    args: { input: t.arg({ type: UnitRefInput('RemoveUnitFromBatchInput') }) },
    resolve: (_r, { input }, ctx, info) =>
      runMutation('unit', () => removeUnitFromBatch(ctx, ctx.actor!, { ...input, batchId: String(input.batchId) }, selectionUnder(ctx, info, 'unit'))),
  }),
  aggregateUnit: t.field({
    type: UnitPayload,
    authScopes: { operator: true },
    args: {
      input: t.arg({
        type: builder.inputType('AggregateUnitInput', {
          fields: (f) => ({ batchId: f.id(), code: f.string(), aggregatedAt: f.field({ type: 'DateTime', required: false, description: 'Default: now.' }) }),
        }),
      }),
    },
    resolve: (_r, { input }, ctx) => runMutation('unit', () => aggregateUnit(ctx, ctx.actor!, { ...input, batchId: String(input.batchId) })),
  }),
  aggregateBatch: t.field({
    type: AggregateBatchPayload,
    authScopes: { operator: true },
    description: 'Aggregates every not-yet-aggregated unit of the batch, or exactly the given codes (all or nothing).',
    args: {
      input: t.arg({
        type: builder.inputType('AggregateBatchInput', {
          fields: (f) => ({
            batchId: f.id(),
            codes: f.stringList({ required: false }),
            aggregatedAt: f.field({ type: 'DateTime', required: false, description: 'Default: now.' }),
          }),
        }),
      }),
    },
    resolve: async (_r, { input }, ctx) => {
      const result = await runMutation('result', () => aggregateBatch(ctx, ctx.actor!, { ...input, batchId: String(input.batchId) }));
      return { batch: result.result?.batch ?? null, aggregatedCount: result.result?.aggregatedCount ?? null, errors: result.errors };
    },
  }),
}));
