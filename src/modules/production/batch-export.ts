/**
 * `exportBatches` task: the batches matching the `batches` filters, streamed from the database in
 * keyset pages into a CSV or XLSX writer that writes straight to the file store, so memory holds
 * one page whatever the number of rows. The columns are the import's (round trip).
 */
import { PassThrough, Readable } from 'node:stream';
import { z } from 'zod';
import { excel } from '../../shared/exceljs.js';
import { stringify } from 'csv-stringify';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Actor, AppServices } from '../../core/services.js';
import type { TaskContext, TaskKind } from '../tasks/task-kinds.js';
import { createTask } from '../tasks/task.service.js';
import { batchFilterRules } from './production.inputs.js';
import { batchListOrder, batchSortFields, batchWhere, type BatchFilter, type BatchSortField } from './batch.filters.js';

/** exceljs, loaded on the first XLSX file rather than at start. */

/** Rows per database page. */
export const EXPORT_PAGE_SIZE = 1000;

export const batchFileFormats = ['CSV', 'XLSX'] as const;
export type BatchFileFormat = (typeof batchFileFormats)[number];

export const contentTypes: Record<BatchFileFormat, string> = {
  CSV: 'text/csv; charset=utf-8',
  XLSX: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

type ExportedBatch = Prisma.BatchGetPayload<{ include: { workCenter: { select: { identifier: true; name: true } } } }> & {
  unitCount: number;
  aggregatedUnitCount: number;
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The file's columns, in order. `imported` columns are read back by `importBatches`; the others
 * are there for people reading the file and are ignored on import.
 */
export const batchColumns = [
  { name: 'id', imported: false, value: (b: ExportedBatch) => b.id },
  { name: 'batchNumber', imported: true, value: (b: ExportedBatch) => b.batchNumber },
  { name: 'batchDate', imported: true, value: (b: ExportedBatch) => b.batchDate.toISOString().slice(0, 10) },
  { name: 'taskDescription', imported: true, text: true, value: (b: ExportedBatch) => b.taskDescription },
  { name: 'shift', imported: true, text: true, value: (b: ExportedBatch) => b.shift },
  { name: 'team', imported: true, text: true, value: (b: ExportedBatch) => b.team },
  { name: 'nomenclature', imported: true, text: true, value: (b: ExportedBatch) => b.nomenclature },
  { name: 'eknCode', imported: true, text: true, value: (b: ExportedBatch) => b.eknCode },
  { name: 'shiftStart', imported: true, value: (b: ExportedBatch) => iso(b.shiftStart) },
  { name: 'shiftEnd', imported: true, value: (b: ExportedBatch) => iso(b.shiftEnd) },
  { name: 'workCenterIdentifier', imported: true, text: true, value: (b: ExportedBatch) => b.workCenter.identifier },
  { name: 'workCenterName', imported: false, text: true, value: (b: ExportedBatch) => b.workCenter.name },
  { name: 'closed', imported: true, value: (b: ExportedBatch) => b.closed },
  { name: 'closedAt', imported: true, value: (b: ExportedBatch) => iso(b.closedAt) },
  { name: 'unitCount', imported: false, value: (b: ExportedBatch) => b.unitCount },
  { name: 'aggregatedUnitCount', imported: false, value: (b: ExportedBatch) => b.aggregatedUnitCount },
  { name: 'createdAt', imported: false, value: (b: ExportedBatch) => iso(b.createdAt) },
  { name: 'updatedAt', imported: false, value: (b: ExportedBatch) => iso(b.updatedAt) },
] as const satisfies readonly { name: string; imported: boolean; text?: boolean; value: (b: ExportedBatch) => unknown }[];

/**
 * Spreadsheet apps run a CSV cell that starts with = + - @ as a formula (CSV injection). Such
 * text is written with a leading apostrophe, which the import removes again: `'*[=+-@…]` gains
 * exactly one apostrophe on export and loses one on import, so every value round-trips.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
export const escapeCsvText = (value: string) => (FORMULA_START.test(value) ? `'${value}` : value);
export const unescapeCsvText = (value: string) => (value.startsWith("'") && FORMULA_START.test(value) ? value.slice(1) : value);

const isoDate = z.iso.date().transform((v) => new Date(`${v}T00:00:00.000Z`));

/** The stored input (JSON): the `batches` filter and order, dates as YYYY-MM-DD. */
export const exportBatchesInput = z.object({
  format: z.enum(batchFileFormats),
  filter: z
    .object({
      closed: z.boolean().nullish(),
      batchNumber: z.number().int().nullish(),
      batchDate: isoDate.nullish(),
      batchDateFrom: isoDate.nullish(),
      batchDateTo: isoDate.nullish(),
      workCenterId: z.string().nullish(),
      workCenterIdentifier: z.string().nullish(),
      shift: z.string().nullish(),
      team: z.string().nullish(),
      nomenclature: z.string().nullish(),
    })
    .pipe(batchFilterRules)
    .nullish(),
  orderBy: z.object({ field: z.enum(Object.keys(batchSortFields) as [BatchSortField, ...BatchSortField[]]), direction: z.enum(['ASC', 'DESC']).default('ASC') }).nullish(),
});
export type ExportBatchesInput = z.input<typeof exportBatchesInput>;

export interface ExportBatchesResult {
  fileId: string;
  url: string;
  filename: string;
  format: BatchFileFormat;
  rows: number;
}

/** Every matching batch, page by page (Prisma cursor pagination on the sort + id tie-break). */
async function* batchPages(ctx: TaskContext, where: Prisma.BatchWhereInput, orderBy: Prisma.BatchOrderByWithRelationInput[]): AsyncGenerator<ExportedBatch[]> {
  const { prisma } = ctx.services;
  let cursor: string | undefined;
  for (;;) {
    ctx.signal.throwIfAborted();
    const page = await prisma.batch.findMany({
      where,
      orderBy,
      take: EXPORT_PAGE_SIZE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      include: { workCenter: { select: { identifier: true, name: true } } },
    });
    if (page.length === 0) return;
    // Unit counts of the whole page in one grouped query.
    const counts = await prisma.unit.groupBy({ by: ['batchId', 'aggregated'], where: { batchId: { in: page.map((b) => b.id) } }, _count: { _all: true } });
    const total = new Map<string, number>();
    const aggregated = new Map<string, number>();
    for (const c of counts) {
      total.set(c.batchId, (total.get(c.batchId) ?? 0) + c._count._all);
      if (c.aggregated) aggregated.set(c.batchId, c._count._all);
    }
    yield page.map((b) => ({ ...b, unitCount: total.get(b.id) ?? 0, aggregatedUnitCount: aggregated.get(b.id) ?? 0 }));
    if (page.length < EXPORT_PAGE_SIZE) return;
    cursor = page.at(-1)!.id;
  }
}

/** Writes rows into the format's streaming writer; resolves when the last byte is handed on. */
interface RowSink {
  readonly output: Readable;
  write(batch: ExportedBatch): void;
  end(): Promise<void>;
  destroy(error: Error): void;
}

function csvSink(): RowSink {
  const csv = stringify({ header: true, columns: batchColumns.map((c) => c.name), bom: true, cast: { boolean: (v) => (v ? 'true' : 'false') } });
  return {
    output: csv,
    write: (b) =>
      void csv.write(
        batchColumns.map((c) => {
          const v = c.value(b);
          return 'text' in c && c.text && typeof v === 'string' ? escapeCsvText(v) : v;
        }),
      ),
    end: () => new Promise((resolve) => csv.end(resolve)),
    destroy: (error) => csv.destroy(error),
  };
}

function xlsxSink(): RowSink {
  const output = new PassThrough();
  const workbook = new (excel().stream.xlsx.WorkbookWriter)({ stream: output, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Batches', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(batchColumns.map((c) => c.name)).commit();
  return {
    output,
    // Numbers and booleans as such; dates and timestamps as ISO text, so no time zone or rounding gets in.
    write: (b) => sheet.addRow(batchColumns.map((c) => c.value(b))).commit(),
    end: async () => {
      sheet.commit();
      await workbook.commit();
    },
    destroy: (error) => output.destroy(error),
  };
}

/** Waits while the sink's reader is behind, so a slow disk never lets pages pile up in memory. */
export function drained(output: Readable): Promise<void> {
  if (output.readableLength < output.readableHighWaterMark * 4) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (output.readableLength < output.readableHighWaterMark * 4 || output.destroyed) {
        output.off('data', check);
        resolve();
      }
    };
    output.on('data', check);
    setImmediate(check);
  });
}

export async function runExportBatches(ctx: TaskContext<z.infer<typeof exportBatchesInput>>): Promise<ExportBatchesResult> {
  const { format, filter, orderBy } = ctx.input;
  const where = batchWhere(filter as BatchFilter | null | undefined);
  const order = batchListOrder(orderBy);
  const total = await ctx.services.prisma.batch.count({ where });
  await ctx.progress(0, total);

  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
  const filename = `batches-${stamp}.${format.toLowerCase()}`;
  const sink = format === 'CSV' ? csvSink() : xlsxSink();
  const saving = ctx.saveFile(filename, contentTypes[format], sink.output);
  let rows = 0;
  try {
    for await (const page of batchPages(ctx, where, order)) {
      for (const batch of page) sink.write(batch);
      rows += page.length;
      await drained(sink.output);
      await ctx.progress(rows, Math.max(total, rows));
    }
    await sink.end();
  } catch (error) {
    sink.destroy(error as Error);
    await saving.catch(() => undefined);
    throw error;
  }
  const file = await saving;
  return { fileId: file.id, url: ctx.fileUrl(file.id), filename, format, rows };
}

/** The `exportBatches` task kind (declared in src/registry.ts). */
export const exportBatchesTask: TaskKind<z.infer<typeof exportBatchesInput>, ExportBatchesResult> = {
  description: 'Batches matching a filter, as a CSV or XLSX file',
  input: exportBatchesInput,
  run: runExportBatches,
};

/** The `batches` filter as the mutation receives it (dates as Date). */
export interface ExportFilterInput extends Omit<BatchFilter, 'workCenterId'> {
  workCenterId?: string | number | null;
}

const day = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 10) : null);

/** Queues an export (returns the PENDING task at once). */
export async function startExportBatches(
  services: AppServices,
  actor: Actor,
  input: { format: BatchFileFormat; filter?: ExportFilterInput | null; orderBy?: { field: BatchSortField; direction?: 'ASC' | 'DESC' | null } | null },
) {
  const f = input.filter;
  const filter = f
    ? {
        ...f,
        workCenterId: f.workCenterId == null ? null : String(f.workCenterId),
        batchDate: day(f.batchDate),
        batchDateFrom: day(f.batchDateFrom),
        batchDateTo: day(f.batchDateTo),
      }
    : null;
  const orderBy = input.orderBy ? { field: input.orderBy.field, direction: input.orderBy.direction ?? 'ASC' } : null;
  return createTask(services, actor, { kind: 'exportBatches', input: { format: input.format, filter, orderBy } });
}
