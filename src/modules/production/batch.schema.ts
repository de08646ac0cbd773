import DataLoader from 'dataloader';
import { builder } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context.js';
import { requestLoader } from '../../graphql/request-loader.js';
import { SortDirection } from '../../graphql/common.schema.js';
import { runMutation } from '../../graphql/payload.js';
import { selectionUnder } from '../../graphql/deleted-row.js';
import { ProductionError } from './production-error.schema.js';
import { batchFilterOf, batchListOrder, batchSortFields, batchWhere, type BatchSortField } from './batch.filters.js';
import { closeBatch, createBatch, deleteBatch, reopenBatch, updateBatch } from './batch.service.js';
import { isUuid } from '../../core/ids.js';
import { filterRules } from '../../graphql/arg-rules.plugin.js';
import { rangeEndRule } from '../../shared/date-range.js';
import { batchFilterRules } from './production.inputs.js';
import { readBatchPage } from './batch-page.read.js';
import { selectedFieldNames } from '../../graphql/selected-field-names.js';
import { answerPrebuilt, prebuiltPlan, registerPrebuiltField } from '../../graphql/prebuilt-fields.js';
import { planBatchConnection, readBatchConnection, type BatchConnectionPlan } from './batch-connection.schema.js';

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
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    taskDescription: t.exposeString('taskDescription', { description: 'The shift task as written for the floor; up to 2000 characters.' }),
    shift: t.exposeString('shift', { description: 'Name of the shift that made it (free text, up to 100 characters).' }),
    team: t.exposeString('team', { description: 'The team that made it (free text, up to 200 characters).' }),
    batchNumber: t.exposeInt('batchNumber', { description: 'Batch number, positive; unique together with batchDate.' }),
    batchDate: t.expose('batchDate', { type: 'Date', description: 'Production date of the batch (a calendar date, no time zone); unique together with batchNumber.' }),
    nomenclature: t.exposeString('nomenclature', { description: 'What is produced: the product name as in the nomenclature (up to 500 characters).' }),
    eknCode: t.exposeString('eknCode', { description: 'The EKN code of the product (its classification code), as given when the batch was created; up to 100 characters.' }),
    shiftStart: t.expose('shiftStart', { type: 'DateTime', description: 'When the shift started (an instant, UTC in answers).' }),
    shiftEnd: t.expose('shiftEnd', { type: 'DateTime', description: 'When the shift ended; always after shiftStart.' }),
    closed: t.exposeBoolean('closed', { description: 'Whether the batch is closed: no units can be added or removed; only a closed batch can be deleted.' }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true, description: 'When it was closed; null while open.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the batch was created in Stockline.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When any of its fields last changed.' }),
    workCenter: t.relation('workCenter', { description: 'Where it was produced.' }),
    aggregatedUnitCount: t.int({ description: 'How many of its units are aggregated.', resolve: (batch, _args, ctx) => aggregatedUnitCounts(ctx).load(batch.id) }),
    units: t.relatedConnection('units', {
      cursor: 'id',
      totalCount: true,
      description: 'Its units, oldest first (by when they were added).',
      args: { aggregated: t.arg.boolean({ required: false, description: 'Only aggregated units (true) or only the others (false); default all.' }) },
      query: (args) => ({
        where: args.aggregated == null ? {} : { aggregated: args.aggregated },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
    }),
  }),
});

export const BatchFilter = builder.inputType('BatchFilter', {
  description: "Which batches: every given condition must hold; fields left out do not filter. A filter that breaks a field's rule is refused: BAD_USER_INPUT (reason VALIDATION) from batches, a VALIDATION error in exportBatches' payload.",
  fields: (t) => ({
    closed: t.boolean({ required: false, description: 'Only closed (true) or only open (false) batches.' }),
    batchNumber: t.int({ required: false, description: 'Exact batch number; positive.' }),
    batchDate: t.field({ type: 'Date', required: false, description: 'Exact batch date; when given, batchDateFrom and batchDateTo are ignored.' }),
    batchDateFrom: t.field({ type: 'Date', required: false, description: 'Batch date on or after this day (inclusive).' }),
    batchDateTo: t.field({ type: 'Date', required: false, description: `Batch date on or before this day (inclusive). ${rangeEndRule('batchDateFrom')}` }),
    workCenterId: t.id({ required: false, description: 'Made at the work center with this id.' }),
    workCenterIdentifier: t.string({ required: false, description: 'Made at the work center with this exact identifier.' }),
    shift: t.string({ required: false, description: 'Exact shift name.' }),
    team: t.string({ required: false, description: 'Exact team name.' }),
    nomenclature: t.string({ required: false, description: 'Part of the nomenclature, any case.' }),
  }),
});

const BatchSortField = builder.enumType('BatchSortField', {
  description: 'A batch column to sort by; ties are broken by id in the same direction, so pages never overlap.',
  values: {
    BATCH_NUMBER: { description: 'Batch number.' },
    BATCH_DATE: { description: 'Batch date.' },
    TASK_DESCRIPTION: { description: 'Task description, alphabetically.' },
    SHIFT: { description: 'Shift name, alphabetically.' },
    TEAM: { description: 'Team name, alphabetically.' },
    NOMENCLATURE: { description: 'Nomenclature, alphabetically.' },
    EKN_CODE: { description: 'EKN code, alphabetically.' },
    SHIFT_START: { description: 'Shift start.' },
    SHIFT_END: { description: 'Shift end.' },
    CLOSED: { description: 'Open before closed when ascending.' },
    CLOSED_AT: { description: 'When closed; open batches (no closedAt) come last in both directions.' },
    CREATED_AT: { description: 'When created in Stockline (the default).' },
    UPDATED_AT: { description: 'When last changed.' },
  } satisfies Record<BatchSortField, { description: string }>,
});
export const BatchOrder = builder.inputType('BatchOrder', {
  description: 'How to sort batches.',
  fields: (t) => ({
    field: t.field({ type: BatchSortField, description: 'The column to sort by.' }),
    direction: t.field({ type: SortDirection, required: false, defaultValue: 'ASC', description: 'Default ASC.' }),
  }),
});

builder.queryFields((t) => ({
  batches: t.prismaConnection({
    type: 'Batch',
    cursor: 'id',
    authScopes: { viewer: true },
    argRules: filterRules(batchFilterRules),
    description: 'Batches, newest first (by creation) unless `orderBy` says otherwise; at most 100 per page.',
    args: {
      filter: t.arg({ type: BatchFilter, required: false, description: 'Default: every batch.' }),
      orderBy: t.arg({ type: BatchOrder, required: false, description: 'Default: by creation, newest first.' }),
    },
    totalCount: (_c, args, ctx) => ctx.prisma.batch.count({ where: whereOf(args.filter) }),
    resolve: async (query, _root, args, ctx, info) => {
      const list = { where: whereOf(args.filter), orderBy: batchListOrder(args.orderBy) };
      // A selection PostgreSQL answers whole (src/graphql/prebuilt-fields.ts): the connection goes to the result as it is, Pothos gets no rows.
      const plan = prebuiltPlan<BatchConnectionPlan>(info);
      if (plan) {
        // Only the page's position is taken from Pothos' query (spread, so Pothos counts it as used): the plan says what to read.
        const { take, skip, cursor } = { ...query };
        answerPrebuilt(info, await readBatchConnection(ctx.prisma, plan, { take, skip, cursor }, args.after));
        return [];
      }
      // The page and what Pothos planned below it in one JSON statement, only the columns the document names; a plan it does not read goes to Prisma, joined.
      return (await readBatchPage(ctx.prisma, query, list, selectedFieldNames(info))) ?? ctx.prisma.batch.findMany({ ...query, ...list, relationLoadStrategy: 'join' });
    },
  }),
  batch: t.prismaField({
    type: 'Batch',
    nullable: true,
    authScopes: { viewer: true },
    description: 'One batch by id; null when there is none.',
    args: { id: t.arg.id({ description: 'The batch id.' }) },
    resolve: (query, _root, { id }, ctx) => (isUuid(String(id)) ? ctx.prisma.batch.findUnique({ ...query, where: { id: String(id) } }) : null),
  }),
}));

registerPrebuiltField('batches', planBatchConnection, '{ pageInfo { hasNextPage } }');

function whereOf(filter: Parameters<typeof batchFilterOf>[0]) {
  return batchWhere(batchFilterOf(filter));
}

const CreateBatchInput = builder.inputType('CreateBatchInput', {
  description: 'A new batch. Texts are trimmed and must not be empty.',
  fields: (t) => ({
    taskDescription: t.string({ description: 'The shift task; at most 2000 characters.' }),
    shift: t.string({ description: 'Shift name; at most 100 characters.' }),
    team: t.string({ description: 'Team name; at most 200 characters.' }),
    batchNumber: t.int({ description: 'Positive; no other batch may have this number on the same batchDate (DUPLICATE_BATCH).' }),
    batchDate: t.field({ type: 'Date', description: 'Production date, YYYY-MM-DD.' }),
    nomenclature: t.string({ description: 'Product name as in the nomenclature; at most 500 characters.' }),
    eknCode: t.string({ description: 'The product\'s EKN code; at most 100 characters.' }),
    shiftStart: t.field({ type: 'DateTime', description: 'When the shift started, with a time zone offset (e.g. 2026-01-05T08:00:00+03:00).' }),
    shiftEnd: t.field({ type: 'DateTime', description: 'When the shift ended; must be after shiftStart.' }),
    workCenterId: t.id({ description: 'Id of an existing work center (WORK_CENTER_NOT_FOUND otherwise).' }),
    closed: t.boolean({ required: false, description: 'Create the batch already closed; default false.' }),
  }),
});

const UpdateBatchInput = builder.inputType('UpdateBatchInput', {
  description: 'Fields left out keep their value. Use closeBatch and reopenBatch to change closed.',
  fields: (t) => ({
    id: t.id({ description: 'The batch to change.' }),
    taskDescription: t.string({ required: false, description: 'New task description; at most 2000 characters.' }),
    shift: t.string({ required: false, description: 'New shift name; at most 100 characters.' }),
    team: t.string({ required: false, description: 'New team name; at most 200 characters.' }),
    batchNumber: t.int({ required: false, description: 'New batch number; positive, free on the (new) batch date.' }),
    batchDate: t.field({ type: 'Date', required: false, description: 'New batch date; the number must be free on it.' }),
    nomenclature: t.string({ required: false, description: 'New nomenclature; at most 500 characters.' }),
    eknCode: t.string({ required: false, description: 'New EKN code; at most 100 characters.' }),
    shiftStart: t.field({ type: 'DateTime', required: false, description: 'New shift start; must stay before the (new) shiftEnd (INVALID_SHIFT).' }),
    shiftEnd: t.field({ type: 'DateTime', required: false, description: 'New shift end; must stay after the (new) shiftStart (INVALID_SHIFT).' }),
    workCenterId: t.id({ required: false, description: 'Move the batch to this existing work center.' }),
  }),
});

export const BatchPayload = builder.simpleObject('BatchPayload', {
  description: 'The outcome of a batch mutation: the batch, or why it was refused.',
  fields: (t) => ({
    batch: t.field({ type: Batch, nullable: true, description: 'The batch after the change (as it was, for deleteBatch); null when refused.' }),
    errors: t.field({ type: [ProductionError] }),
  }),
});

const IdInput = (name: string) => builder.inputType(name, { description: 'Which batch.', fields: (f) => ({ id: f.id({ description: 'The batch id.' }) }) });

builder.mutationFields((t) => ({
  createBatch: t.field({
    type: BatchPayload,
    authScopes: { operator: true },
    description: 'Creates a batch at a work center, open unless input.closed. Emits batch.created.',
    args: { input: t.arg({ type: CreateBatchInput, description: 'The new batch.' }) },
    resolve: (_r, { input }, ctx) => runMutation('batch', () => createBatch(ctx, ctx.actor!, { ...input, workCenterId: String(input.workCenterId) })),
  }),
  updateBatch: t.field({
    type: BatchPayload,
    authScopes: { operator: true },
    description: 'Changes the given fields of a batch (open or closed). Emits batch.updated with the changed field names.',
    args: { input: t.arg({ type: UpdateBatchInput, description: 'The batch and its new values.' }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('batch', () =>
        updateBatch(ctx, ctx.actor!, { ...input, id: String(input.id), workCenterId: input.workCenterId == null ? null : String(input.workCenterId) }),
      ),
  }),
  closeBatch: t.field({
    type: BatchPayload,
    authScopes: { operator: true },
    description: 'Closes an open batch: its units can no longer be added or removed. BATCH_ALREADY_CLOSED when it is closed. Emits batch.closed.',
    args: {
      input: t.arg({
        description: 'The batch and when it closed.',
        type: builder.inputType('CloseBatchInput', {
          description: 'Which batch to close, and when.',
          fields: (f) => ({ id: f.id({ description: 'The batch id.' }), closedAt: f.field({ type: 'DateTime', required: false, description: 'When it closed; default now.' }) }),
        }),
      }),
    },
    resolve: (_r, { input }, ctx) => runMutation('batch', () => closeBatch(ctx, ctx.actor!, { ...input, id: String(input.id) })),
  }),
  reopenBatch: t.field({
    type: BatchPayload,
    authScopes: { operator: true },
    description: 'Reopens a closed batch (closedAt becomes null). BATCH_NOT_CLOSED when it is open. Emits batch.opened.',
    args: { input: t.arg({ type: IdInput('ReopenBatchInput'), description: 'The batch to reopen.' }) },
    resolve: (_r, { input }, ctx) => runMutation('batch', () => reopenBatch(ctx, ctx.actor!, { id: String(input.id) })),
  }),
  deleteBatch: t.field({
    type: BatchPayload,
    authScopes: { operator: true },
    description:
      'Deletes a closed batch and its units (BATCH_NOT_CLOSED when it is open). The units its closing added to the stock pool are taken out with a reversing PRODUCTION movement noted "batch <number> deleted" (the ledger keeps both; posted once, even when two deletes race). The payload holds the batch as it was. Emits batch.deleted and stock.changed.',
    args: { input: t.arg({ type: IdInput('DeleteBatchInput'), description: 'The batch to delete.' }) },
    resolve: (_r, { input }, ctx, info) =>
      runMutation('batch', async () => {
        const { batch, aggregatedUnitCount } = await deleteBatch(ctx, ctx.actor!, { id: String(input.id) }, selectionUnder(ctx, info, 'batch'));
        aggregatedUnitCounts(ctx).prime(batch.id, aggregatedUnitCount); // its units are gone now
        return batch;
      }),
  }),
}));
