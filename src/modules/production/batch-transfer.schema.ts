import { builder } from '../../graphql/builder.js';
import { runMutation } from '../../graphql/payload.js';
import { TaskPayload } from '../tasks/task.schema.js';
import { BatchFilter, BatchOrder } from './batch.schema.js';
import { startExportBatches } from './batch-export.js';
import { startImportBatches } from './batch-import.js';
import { startAggregateBatchAsync } from './batch-aggregate-async.js';

const BatchFileFormat = builder.enumType('BatchFileFormat', {
  description: 'File format of a batch export or import.',
  values: { CSV: { description: 'Comma-separated, UTF-8 with a BOM, one header row.' }, XLSX: { description: 'Excel workbook, one sheet.' } } as const,
});

const ExportBatchesInput = builder.inputType('ExportBatchesInput', {
  description: 'What to export, and as what.',
  fields: (t) => ({
    format: t.field({ type: BatchFileFormat, description: 'CSV or XLSX.' }),
    filter: t.field({ type: BatchFilter, required: false, description: 'The `batches` filters; default every batch.' }),
    orderBy: t.field({ type: BatchOrder, required: false, description: 'As `batches`; default by creation, newest first.' }),
  }),
});

const ImportBatchesInput = builder.inputType('ImportBatchesInput', {
  description: 'A batch file to import, and how.',
  fields: (t) => ({
    file: t.field({ type: 'File', description: 'A CSV or XLSX file with the columns of an exportBatches file, at most UPLOAD_MAX_BYTES (10 MB).' }),
    format: t.field({ type: BatchFileFormat, required: false, description: 'Default: from the file name, its content type, or its first bytes.' }),
    updateExisting: t.boolean({ required: false, defaultValue: false, description: 'Update a batch whose number and date already exist, instead of reporting the row.' }),
    atomic: t.boolean({ required: false, defaultValue: false, description: 'Import every row or none: one bad row and nothing is imported.' }),
  }),
});

const AggregateBatchAsyncInput = builder.inputType('AggregateBatchAsyncInput', {
  description: 'What to aggregate in the background, and when.',
  fields: (t) => ({
    batchId: t.id({ description: 'The batch id (the task is refused with NOT_FOUND when there is none).' }),
    codes: t.stringList({ required: false, description: 'Default: every unit of the batch not yet aggregated.' }),
    aggregatedAt: t.field({ type: 'DateTime', required: false, description: 'Default: when the task starts.' }),
  }),
});

builder.mutationFields((t) => ({
  exportBatches: t.field({
    type: TaskPayload,
    authScopes: { operator: true },
    description:
      'Starts an export of the batches matching `filter`; returns the task at once. Its result: { fileId, url, filename, format, rows }; download `url` with your token.',
    args: { input: t.arg({ type: ExportBatchesInput, description: 'Format, filter and order.' }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('task', () => startExportBatches(ctx, ctx.actor!, { format: input.format, filter: input.filter, orderBy: input.orderBy ?? null })),
  }),
  importBatches: t.field({
    type: TaskPayload,
    authScopes: { operator: true },
    description:
      'Uploads a CSV or XLSX file (GraphQL multipart request) and starts its import; returns the task at once. Its result: { created, updated, failed, rows, errors: [{ row, field, message }] } (row 1 is the header). Emits batch.import_completed.',
    args: { input: t.arg({ type: ImportBatchesInput, description: 'The file and the import options.' }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('task', () => startImportBatches(ctx, ctx.actor!, { file: input.file, format: input.format, updateExisting: input.updateExisting, atomic: input.atomic })),
  }),
  aggregateBatchAsync: t.field({
    type: TaskPayload,
    authScopes: { operator: true },
    description:
      'aggregateBatch in the background, in chunks, for large sets. Every pending unit (or given code) is aggregated; refused codes are listed in the result { aggregatedCount, refusedCount, refused: [{ code, errorCode, message, field }] } rather than stopping the rest.',
    args: { input: t.arg({ type: AggregateBatchAsyncInput, description: 'The batch and optionally its codes.' }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('task', () => startAggregateBatchAsync(ctx, ctx.actor!, { batchId: String(input.batchId), codes: input.codes, aggregatedAt: input.aggregatedAt })),
  }),
}));

