import { builder } from '../../graphql/builder.js';
import { runMutation } from '../../graphql/payload.js';
import { selectionUnder } from '../../graphql/deleted-row.js';
import { ProductionError } from './production-error.schema.js';
import { Batch } from './batch.schema.js';
import { addUnitToBatch, aggregateBatch, aggregateUnit, removeUnitFromBatch } from './unit.service.js';
import { isUuid } from '../../core/ids.js';
import { SortDirection } from '../../graphql/common.schema.js';
import { unitListOrder, unitWhere, type UnitSortField as UnitSortFieldName } from './unit.filters.js';

export const Unit = builder.prismaObject('Unit', {
  description: 'A serialized item of a batch; its code is unique across the system.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    code: t.exposeString('code', { description: 'Its serial code, unique across all batches; up to 200 characters.' }),
    aggregated: t.exposeBoolean('aggregated', { description: 'Whether it has been aggregated (packed into its aggregate); then it can be neither aggregated again nor removed.' }),
    aggregatedAt: t.expose('aggregatedAt', { type: 'DateTime', nullable: true, description: 'When it was aggregated; null while not.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was added to its batch.' }),
    batch: t.relation('batch', { description: 'The batch it belongs to.' }),
  }),
});

const UnitFilter = builder.inputType('UnitFilter', {
  description: 'Which units: every given condition must hold; fields left out do not filter.',
  fields: (t) => ({
    batchId: t.id({ required: false, description: 'Only units of this batch.' }),
    code: t.string({ required: false, description: 'Only the unit with this exact code.' }),
    aggregated: t.boolean({ required: false, description: 'Only aggregated (true) or only not aggregated (false) units.' }),
  }),
});

const UnitSortField = builder.enumType('UnitSortField', {
  description: 'A unit column to sort by; ties are broken by id in the same direction, so pages never overlap.',
  values: {
    CODE: { description: 'Unit code, alphabetically.' },
    CREATED_AT: { description: 'When added to its batch (the default).' },
    AGGREGATED: { description: 'Not aggregated before aggregated when ascending.' },
    AGGREGATED_AT: { description: 'When aggregated; units not aggregated (no aggregatedAt) come last in both directions.' },
  } satisfies Record<UnitSortFieldName, { description: string }>,
});
const UnitOrder = builder.inputType('UnitOrder', {
  description: 'How to sort units.',
  fields: (t) => ({
    field: t.field({ type: UnitSortField, description: 'The column to sort by.' }),
    direction: t.field({ type: SortDirection, required: false, defaultValue: 'ASC', description: 'Default ASC.' }),
  }),
});

const whereOf = (filter: { batchId?: string | number | null; code?: string | null; aggregated?: boolean | null } | null | undefined) =>
  unitWhere(filter ? { ...filter, batchId: filter.batchId == null ? null : String(filter.batchId) } : null);

builder.queryFields((t) => ({
  units: t.prismaConnection({
    type: 'Unit',
    cursor: 'id',
    authScopes: { viewer: true },
    description: 'Units of every batch, oldest first (by when they were added) unless `orderBy` says otherwise.',
    args: {
      filter: t.arg({ type: UnitFilter, required: false, description: 'Default: every unit.' }),
      orderBy: t.arg({ type: UnitOrder, required: false, description: 'Default: by when added, oldest first.' }),
    },
    totalCount: (_c, args, ctx) => ctx.prisma.unit.count({ where: whereOf(args.filter) }),
    resolve: (query, _root, args, ctx) => {
      if (args.filter?.batchId != null && !isUuid(String(args.filter.batchId))) return [];
      return ctx.prisma.unit.findMany({ ...query, where: whereOf(args.filter), orderBy: unitListOrder(args.orderBy) });
    },
  }),
  unit: t.prismaField({
    type: 'Unit',
    nullable: true,
    authScopes: { viewer: true },
    args: {
      id: t.arg.id({ required: false, description: 'The unit id; wins over code.' }),
      code: t.arg.string({ required: false, description: 'The unit code (exact).' }),
    },
    description: 'A unit by id or by code; null when there is none (or neither is given).',
    resolve: (query, _root, { id, code }, ctx) => {
      if (id != null) return isUuid(String(id)) ? ctx.prisma.unit.findUnique({ ...query, where: { id: String(id) } }) : null;
      return code ? ctx.prisma.unit.findUnique({ ...query, where: { code } }) : null;
    },
  }),
}));

const UnitPayload = builder.simpleObject('UnitPayload', {
  description: 'The outcome of a unit mutation: the unit, or why it was refused.',
  fields: (t) => ({
    unit: t.field({ type: Unit, nullable: true, description: 'The unit after the change (as it was, for removeUnitFromBatch); null when refused.' }),
    errors: t.field({ type: [ProductionError] }),
  }),
});

const AggregateBatchPayload = builder.simpleObject('AggregateBatchPayload', {
  description: 'The outcome of aggregateBatch: the batch and how many units were aggregated, or why nothing was.',
  fields: (t) => ({
    batch: t.field({ type: Batch, nullable: true, description: 'The batch after the call; null when refused.' }),
    aggregatedCount: t.int({ nullable: true, description: 'How many units this call aggregated.' }),
    errors: t.field({ type: [ProductionError], description: 'One entry per refused code; when any, nothing was aggregated.' }),
  }),
});

const UnitRefInput = (name: string) =>
  builder.inputType(name, {
    description: 'A unit code within a batch.',
    fields: (f) => ({
      batchId: f.id({ description: 'The batch id.' }),
      code: f.string({ description: 'The unit code: trimmed, 1 to 200 characters.' }),
    }),
  });

builder.mutationFields((t) => ({
  addUnitToBatch: t.field({
    type: UnitPayload,
    authScopes: { operator: true },
    description: 'Adds a unit with a new code to an open batch (BATCH_CLOSED when closed; UNIT_CODE_TAKEN when any batch has the code). Emits batch.product_added.',
    args: { input: t.arg({ type: UnitRefInput('AddUnitToBatchInput'), description: 'The batch and the new code.' }) },
    resolve: (_r, { input }, ctx) => runMutation('unit', () => addUnitToBatch(ctx, ctx.actor!, { ...input, batchId: String(input.batchId) })),
  }),
  removeUnitFromBatch: t.field({
    type: UnitPayload,
    authScopes: { operator: true },
    description: 'Removes a unit from an open batch; an aggregated unit cannot be removed (UNIT_AGGREGATED). The payload holds the unit as it was. Emits batch.product_removed.',
    args: { input: t.arg({ type: UnitRefInput('RemoveUnitFromBatchInput'), description: 'The batch and the code to remove.' }) },
    resolve: (_r, { input }, ctx, info) =>
      runMutation('unit', () => removeUnitFromBatch(ctx, ctx.actor!, { ...input, batchId: String(input.batchId) }, selectionUnder(ctx, info, 'unit'))),
  }),
  aggregateUnit: t.field({
    type: UnitPayload,
    authScopes: { operator: true },
    description: 'Aggregates one unit of the batch (open or closed); a unit is aggregated once (UNIT_ALREADY_AGGREGATED). Emits product.aggregated.',
    args: {
      input: t.arg({
        description: 'The unit and when it was aggregated.',
        type: builder.inputType('AggregateUnitInput', {
          description: 'Which unit to aggregate, and when.',
          fields: (f) => ({ batchId: f.id({ description: 'The batch the unit must belong to (UNIT_IN_ANOTHER_BATCH otherwise).' }), code: f.string({ description: 'The unit code.' }), aggregatedAt: f.field({ type: 'DateTime', required: false, description: 'Default: now.' }) }),
        }),
      }),
    },
    resolve: (_r, { input }, ctx) => runMutation('unit', () => aggregateUnit(ctx, ctx.actor!, { ...input, batchId: String(input.batchId) })),
  }),
  aggregateBatch: t.field({
    type: AggregateBatchPayload,
    authScopes: { operator: true },
    description: 'Aggregates every not-yet-aggregated unit of the batch, or exactly the given codes (all or nothing), in one transaction. For large sets use aggregateBatchAsync. Emits batch.aggregated.',
    args: {
      input: t.arg({
        description: 'The batch, and optionally which of its codes.',
        type: builder.inputType('AggregateBatchInput', {
          description: 'What to aggregate, and when.',
          fields: (f) => ({
            batchId: f.id({ description: 'The batch id.' }),
            codes: f.stringList({ required: false, description: 'Exactly these codes (1 to 10000, duplicates ignored); each must be a unit of the batch not yet aggregated. Default: every unit of the batch not yet aggregated.' }),
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
