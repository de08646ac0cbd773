import DataLoader from 'dataloader';
import { builder } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context.js';
import { requestLoader } from '../../graphql/request-loader.js';
import { SortDirection } from '../../graphql/common.schema.js';
import { runMutation } from '../../graphql/payload.js';
import { selectionUnder } from '../../graphql/deleted-row.js';
import { ProductionError } from './production-error.schema.js';
import { batchOrderBy, batchSortFields, batchWhere, type BatchSortField } from './batch.filters.js';
import { closeBatch, createBatch, deleteBatch, reopenBatch, updateBatch } from './batch.service.js';
import { isUuid } from '../../core/ids.js';

/**
 * Aggregated units per batch, one grouped query per page of batches. Not a filtered relationCount:
 * next to `units { totalCount }` (same relation, no filter) the plugin could not plan both and fell
 * back to a query per batch, which fails on the batch a delete payload returns.
 */
const aggregatedUnitCounts = (ctx: Context) =>
  requestLoader(ctx, 'batch.aggregatedUnitCount', () =>
    new DataLoader<string, number>(async (ids) => {
      const rows = await ctx.prisma.unit.groupBy({ by: ['batchId'], where: { batchId: { in: [...ids] }, aggregated: true }, _count: { _all: true } });
      const counts = new Map(rows.map((r) => [r.batchId, r._count._all]));
      return ids.map((id) => counts.get(id) ?? 0);
    }),
  );

export const Batch = builder.prismaObject('Batch', {
  description: 'A production batch (shift task): what was made, where, by whom, and its serialized units.',
  fields: (t) => ({
    id: t.exposeID('id'),
    taskDescription: t.exposeString('taskDescription'),
    shift: t.exposeString('shift'),
    team: t.exposeString('team'),
    batchNumber: t.exposeInt('batchNumber'),
    batchDate: t.expose('batchDate', { type: 'Date' }),
    nomenclature: t.exposeString('nomenclature'),
    eknCode: t.exposeString('eknCode'),
    shiftStart: t.expose('shiftStart', { type: 'DateTime' }),
    shiftEnd: t.expose('shiftEnd', { type: 'DateTime' }),
    closed: t.exposeBoolean('closed'),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    workCenter: t.relation('workCenter'),
    aggregatedUnitCount: t.int({ resolve: (batch, _args, ctx) => aggregatedUnitCounts(ctx).load(batch.id) }),
    units: t.relatedConnection('units', {
      cursor: 'id',
      totalCount: true,
      args: { aggregated: t.arg.boolean({ required: false }) },
      query: (args) => ({
        where: args.aggregated == null ? {} : { aggregated: args.aggregated },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
    }),
  }),
});

export const BatchFilter = builder.inputType('BatchFilter', {
  fields: (t) => ({
    closed: t.boolean({ required: false }),
    batchNumber: t.int({ required: false }),
    batchDate: t.field({ type: 'Date', required: false }),
    batchDateFrom: t.field({ type: 'Date', required: false, description: 'Inclusive.' }),
    batchDateTo: t.field({ type: 'Date', required: false, description: 'Inclusive.' }),
    workCenterId: t.id({ required: false }),
    workCenterIdentifier: t.string({ required: false }),
    shift: t.string({ required: false }),
    team: t.string({ required: false }),
    nomenclature: t.string({ required: false, description: 'Part of the nomenclature, any case.' }),
  }),
});

const BatchSortField = builder.enumType('BatchSortField', { values: Object.keys(batchSortFields) as BatchSortField[] });
export const BatchOrder = builder.inputType('BatchOrder', {
  fields: (t) => ({
    field: t.field({ type: BatchSortField }),
    direction: t.field({ type: SortDirection, required: false, defaultValue: 'ASC' }),
  }),
});

builder.queryFields((t) => ({
  batches: t.prismaConnection({
    type: 'Batch',
    cursor: 'id',
    authScopes: { viewer: true },
    description: 'Batches, newest first unless `orderBy` says otherwise; at most 100 per page.',
    args: {
      filter: t.arg({ type: BatchFilter, required: false }),
      orderBy: t.arg({ type: BatchOrder, required: false }),
    },
    totalCount: (_c, args, ctx) => ctx.prisma.batch.count({ where: whereOf(args.filter) }),
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.batch.findMany({
        ...query,
        where: whereOf(args.filter),
        orderBy: batchOrderBy(args.orderBy?.field, args.orderBy?.direction ?? 'ASC'),
      }),
  }),
  batch: t.prismaField({
    type: 'Batch',
    nullable: true,
    authScopes: { viewer: true },
    args: { id: t.arg.id() },
    resolve: (query, _root, { id }, ctx) => (isUuid(String(id)) ? ctx.prisma.batch.findUnique({ ...query, where: { id: String(id) } }) : null),
  }),
}));

function whereOf(filter: (Omit<NonNullable<Parameters<typeof batchWhere>[0]>, 'workCenterId'> & { workCenterId?: string | number | null }) | null | undefined) {
  return batchWhere(filter ? { ...filter, workCenterId: filter.workCenterId == null ? null : String(filter.workCenterId) } : null);
}

const CreateBatchInput = builder.inputType('CreateBatchInput', {
  fields: (t) => ({
    taskDescription: t.string(),
    shift: t.string(),
    team: t.string(),
    batchNumber: t.int(),
    batchDate: t.field({ type: 'Date' }),
    nomenclature: t.string(),
    eknCode: t.string(),
    shiftStart: t.field({ type: 'DateTime' }),
    shiftEnd: t.field({ type: 'DateTime', description: 'Must be after shiftStart.' }),
    workCenterId: t.id(),
    closed: t.boolean({ required: false, description: 'Create the batch already closed; default false.' }),
  }),
});

const UpdateBatchInput = builder.inputType('UpdateBatchInput', {
  description: 'Fields left out keep their value. Use closeBatch and reopenBatch to change closed.',
  fields: (t) => ({
    id: t.id(),
    taskDescription: t.string({ required: false }),
    shift: t.string({ required: false }),
    team: t.string({ required: false }),
    batchNumber: t.int({ required: false }),
    batchDate: t.field({ type: 'Date', required: false }),
    nomenclature: t.string({ required: false }),
    eknCode: t.string({ required: false }),
    shiftStart: t.field({ type: 'DateTime', required: false }),
    shiftEnd: t.field({ type: 'DateTime', required: false }),
    workCenterId: t.id({ required: false }),
  }),
});

export const BatchPayload = builder.simpleObject('BatchPayload', {
  fields: (t) => ({
    batch: t.field({ type: Batch, nullable: true }),
    errors: t.field({ type: [ProductionError] }),
  }),
});

const IdInput = (name: string) => builder.inputType(name, { fields: (f) => ({ id: f.id() }) });

builder.mutationFields((t) => ({
  createBatch: t.field({
    type: BatchPayload,
    authScopes: { operator: true },
    args: { input: t.arg({ type: CreateBatchInput }) },
    resolve: (_r, { input }, ctx) => runMutation('batch', () => createBatch(ctx, ctx.actor!, { ...input, workCenterId: String(input.workCenterId) })),
  }),
  updateBatch: t.field({
    type: BatchPayload,
    authScopes: { operator: true },
    args: { input: t.arg({ type: UpdateBatchInput }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('batch', () =>
        updateBatch(ctx, ctx.actor!, { ...input, id: String(input.id), workCenterId: input.workCenterId == null ? null : String(input.workCenterId) }),
      ),
  }),
  closeBatch: t.field({
    type: BatchPayload,
    authScopes: { operator: true },
    args: {
      input: t.arg({
        type: builder.inputType('CloseBatchInput', {
          fields: (f) => ({ id: f.id(), closedAt: f.field({ type: 'DateTime', required: false, description: 'Default: now.' }) }),
        }),
      }),
    },
    resolve: (_r, { input }, ctx) => runMutation('batch', () => closeBatch(ctx, ctx.actor!, { ...input, id: String(input.id) })),
  }),
  reopenBatch: t.field({
    type: BatchPayload,
    authScopes: { operator: true },
    args: { input: t.arg({ type: IdInput('ReopenBatchInput') }) },
    resolve: (_r, { input }, ctx) => runMutation('batch', () => reopenBatch(ctx, ctx.actor!, { id: String(input.id) })),
  }),
  deleteBatch: t.field({
    type: BatchPayload,
    authScopes: { operator: true },
    description: 'Deletes a closed batch and its units. The payload holds the batch as it was.',
    args: { input: t.arg({ type: IdInput('DeleteBatchInput') }) },
    resolve: (_r, { input }, ctx, info) =>
      runMutation('batch', async () => {
        const { batch, aggregatedUnitCount } = await deleteBatch(ctx, ctx.actor!, { id: String(input.id) }, selectionUnder(ctx, info, 'batch'));
        aggregatedUnitCounts(ctx).prime(batch.id, aggregatedUnitCount); // its units are gone now
        return batch;
      }),
  }),
}));
