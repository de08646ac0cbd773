/**
 * `importBatches` task: a CSV or XLSX file with the export's columns, parsed as a stream (rows are
 * handled in chunks and never all held), each row checked with the same rules as `createBatch`.
 * Non-atomic: good rows are written chunk by chunk (each chunk and the task's checkpoint commit
 * together, so a retried task carries on where the crashed one stopped). Atomic: the whole file is
 * checked first and then written in one transaction, or nothing is.
 */
import { open } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { z } from 'zod';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse';
import type { Tx } from '../../db/transaction.js';
import { transact } from '../../db/transaction.js';
import type { Prisma, StoredFile } from '../../generated/prisma/client.js';
import { TaskUserError, type TaskContext, type TaskKind } from '../tasks/task-kinds.js';
import { filePath, FileTooLargeError, formatBytes, openFile, storeFile, unlinkFiles } from '../files/file.store.js';
import { OversizedUpload } from '../files/upload-limit.js';
import { settingsOf } from '../tasks/task.settings.js';
import { createTask } from '../tasks/task.service.js';
import { DomainError } from '../../core/domain-error.js';
import { textProblem, withoutIllFormed } from '../../core/well-formed-text.js';
import { storableDate } from '../../shared/date-range.js';
import type { Actor, AppServices } from '../../core/services.js';
import { batchCreate } from './production.inputs.js';
import { batchColumns, batchFileFormats, contentTypes, unescapeCsvText, type BatchFileFormat } from './batch-export.js';

/** Rows checked and written per chunk. */
export const IMPORT_CHUNK_SIZE = 500;
/** Row errors kept in the result (the `failed` count is always exact). */
export const MAX_REPORTED_ERRORS = 1000;

export const importBatchesInput = z.object({
  fileId: z.uuid(),
  format: z.enum(batchFileFormats),
  updateExisting: z.boolean().default(false),
  atomic: z.boolean().default(false),
});

export interface ImportRowError {
  /** The row as a spreadsheet shows it: the header is row 1, the first data row is row 2. */
  row: number;
  /** The column, or null for the row as a whole. */
  field: string | null;
  message: string;
}

export interface ImportBatchesResult {
  fileId: string;
  format: BatchFileFormat;
  rows: number;
  created: number;
  updated: number;
  failed: number;
  atomic: boolean;
  errors: ImportRowError[];
  /** More rows failed than `errors` lists. */
  errorsTruncated: boolean;
}

interface Checkpoint {
  row: number;
  rows: number;
  created: number;
  updated: number;
  failed: number;
  errors: ImportRowError[];
}

const required = batchColumns.filter((c) => c.imported && c.name !== 'closed' && c.name !== 'closedAt').map((c) => c.name);
const importedNames = new Set<string>(batchColumns.filter((c) => c.imported).map((c) => c.name));
const textColumns = new Set<string>(batchColumns.filter((c) => 'text' in c && c.text).map((c) => c.name));
const normalize = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');
const byNormalized = new Map([...importedNames].map((n) => [normalize(n), n]));

// ——— reading ————————————————————————————————————————————————————————————————

interface RawRow {
  row: number;
  cells: unknown[];
}

/** A spreadsheet cell as a plain value (rich text, formulas and links reduced to what they show). */
function cellValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || value instanceof Date) return value;
  const v = value as Record<string, unknown>;
  if (Array.isArray(v.richText)) return (v.richText as { text: string }[]).map((r) => r.text).join('');
  if ('result' in v) return cellValue(v.result);
  if ('text' in v) return cellValue(v.text);
  if ('error' in v) return String(v.error);
  return String(value);
}

async function* csvRows(stream: Readable): AsyncGenerator<RawRow> {
  const parser = stream.pipe(parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, info: true }));
  stream.on('error', (e) => parser.destroy(e));
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { records: number } }>) {
    yield { row: info.records, cells: record };
  }
}

async function* xlsxRows(stream: Readable): AsyncGenerator<RawRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  let sheets = 0;
  for await (const sheet of reader) {
    // Only the first worksheet holds batches; later ones are read through (the zip is one stream) and ignored.
    const first = sheets++ === 0;
    for await (const row of sheet) {
      if (first) yield { row: row.number, cells: (row.values as unknown[]).slice(1).map(cellValue) };
    }
  }
}

/** The file could not be parsed (a damaged zip or workbook, broken CSV quoting): the user's file, not a bug. */
class UnreadableFile extends Error {}

/** Whatever the parser throws becomes an UnreadableFile, with the row it stopped after. */
async function* parsed(rows: AsyncGenerator<RawRow>): AsyncGenerator<RawRow> {
  let last = 0;
  try {
    for await (const raw of rows) {
      last = raw.row;
      yield raw;
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UnreadableFile(`${reason.slice(0, 200)}${last ? ` (after row ${last})` : ''}`);
  }
}

/** The file's rows as a stream, counting the file bytes read (for progress). */
function readRows(source: Readable, format: BatchFileFormat, onBytes: (n: number) => void): AsyncGenerator<RawRow> {
  const counted = new Transform({
    transform(chunk: Buffer, _e, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  source.on('error', (e) => counted.destroy(e));
  source.pipe(counted);
  return parsed(format === 'CSV' ? csvRows(counted) : xlsxRows(counted));
}

const isEmpty = (cells: unknown[]) => cells.every((c) => c === null || c === undefined || (typeof c === 'string' && c.trim() === ''));

// ——— checking a row ———————————————————————————————————————————————————————

type Cells = Record<string, unknown>;

const text = (v: unknown, column: string, format: BatchFileFormat) => {
  if (v === null || v === undefined) return '';
  const s = v instanceof Date ? v.toISOString() : String(v);
  return format === 'CSV' && textColumns.has(column) ? unescapeCsvText(s) : s;
};

function parseDate(v: unknown): Date | string {
  if (v instanceof Date) return storableDate(new Date(Date.UTC(v.getUTCFullYear(), v.getUTCMonth(), v.getUTCDate())));
  const s = String(v ?? '').trim();
  if (!s) return 'is required';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return `must be a date as YYYY-MM-DD, got "${s}"`;
  const d = new Date(`${s}T00:00:00.000Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s) return `is not a valid date: "${s}"`;
  return storableDate(d);
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
function parseTimestamp(v: unknown): Date | string {
  if (v instanceof Date) return storableDate(v);
  const s = String(v ?? '').trim();
  if (!s) return 'is required';
  if (!ISO_TIMESTAMP.test(s)) return `must be an ISO 8601 date and time with a time zone (e.g. 2026-11-20T08:00:00.000Z), got "${s}"`;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? `is not a valid date and time: "${s}"` : storableDate(d);
}

function parseInteger(v: unknown): number | string {
  if (typeof v === 'number') return Number.isInteger(v) ? v : `must be a whole number, got ${v}`;
  const s = String(v ?? '').trim();
  if (!s) return 'is required';
  return /^[+-]?\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : `must be a whole number, got "${s}"`;
}

function parseBoolean(v: unknown): boolean | string {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' && (v === 0 || v === 1)) return v === 1;
  const s = String(v ?? '').trim().toLowerCase();
  if (s === '') return false;
  if (['true', 'yes', '1', 'y'].includes(s)) return true;
  if (['false', 'no', '0', 'n'].includes(s)) return false;
  return `must be true or false, got "${String(v)}"`;
}

interface ParsedRow {
  row: number;
  data: Omit<z.infer<typeof batchCreate>, 'closed' | 'workCenterId'> & { closed: boolean; closedAt: Date | null };
  workCenterIdentifier: string;
}

/** Field-level checks that need no database; the rest (work center, uniqueness) come per chunk. */
function parseRow(raw: RawRow, columns: (string | null)[], format: BatchFileFormat, errors: ImportRowError[]): ParsedRow | null {
  const cells: Cells = {};
  columns.forEach((name, i) => {
    if (name) cells[name] = raw.cells[i] ?? null;
  });
  const before = errors.length;
  const fail = (field: string | null, message: string) => errors.push({ row: raw.row, field, message });
  const need = <T>(field: string, value: T | string): T | undefined => {
    if (typeof value === 'string') {
      fail(field, `${field} ${value}`);
      return undefined;
    }
    return value;
  };
  const batchNumber = need('batchNumber', parseInteger(cells.batchNumber));
  const batchDate = need('batchDate', parseDate(cells.batchDate));
  const shiftStart = need('shiftStart', parseTimestamp(cells.shiftStart));
  const shiftEnd = need('shiftEnd', parseTimestamp(cells.shiftEnd));
  const closed = need('closed', parseBoolean(cells.closed));
  const closedAtText = text(cells.closedAt, 'closedAt', format).trim();
  const closedAt = closedAtText || cells.closedAt instanceof Date ? need('closedAt', parseTimestamp(cells.closedAt)) : null;
  if (closed === false && closedAt) fail('closedAt', 'closedAt is set but closed is false');
  const workCenterIdentifier = text(cells.workCenterIdentifier, 'workCenterIdentifier', format).trim();
  const identifierProblem = workCenterIdentifier ? textProblem(workCenterIdentifier) : 'must not be empty';
  if (identifierProblem) fail('workCenterIdentifier', `workCenterIdentifier ${identifierProblem}`);
  // The createBatch rules (lengths, empties, shift order) with a placeholder for the work center.
  const candidate = {
    taskDescription: text(cells.taskDescription, 'taskDescription', format),
    shift: text(cells.shift, 'shift', format),
    team: text(cells.team, 'team', format),
    nomenclature: text(cells.nomenclature, 'nomenclature', format),
    eknCode: text(cells.eknCode, 'eknCode', format),
    batchNumber: batchNumber ?? 1,
    batchDate: batchDate ?? new Date(0),
    shiftStart: shiftStart ?? new Date(0),
    shiftEnd: shiftEnd ?? (shiftStart ? new Date(shiftStart.getTime() + 1) : new Date(1)),
    workCenterId: '00000000-0000-4000-8000-000000000000',
  };
  const checked = batchCreate.safeParse(candidate);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const field = issue.path.length ? String(issue.path[0]) : null;
      if (field === 'shiftEnd' && !(shiftStart && shiftEnd)) continue; // already reported as missing
      fail(field, issue.message);
    }
  }
  if (errors.length > before || !checked.success || batchNumber === undefined || !batchDate || !shiftStart || !shiftEnd || closed === undefined || closedAt === undefined) return null;
  const { workCenterId: _placeholder, closed: _c, ...data } = checked.data;
  return { row: raw.row, data: { ...data, closed, closedAt: closed ? (closedAt ?? new Date()) : null }, workCenterIdentifier };
}

// ——— the import ———————————————————————————————————————————————————————————

const dayKey = (batchNumber: number, batchDate: Date) => `${batchNumber}|${batchDate.toISOString().slice(0, 10)}`;

interface Tally {
  rows: number;
  created: number;
  updated: number;
  failed: number;
  errors: ImportRowError[];
  failedRows: Set<number>;
}

class Importer {
  /** Work center ids by identifier (null: does not exist); work centers are few, so they are cached. */
  private readonly workCenters = new Map<string, string | null>();
  /** First row of each batch number and date seen in the file, to report duplicates within it. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ctx: TaskContext<z.infer<typeof importBatchesInput>>,
    private readonly tally: Tally,
  ) {}

  private error(e: ImportRowError) {
    if (!this.tally.failedRows.has(e.row)) {
      this.tally.failedRows.add(e.row);
      this.tally.failed++;
    }
    if (this.tally.errors.length < MAX_REPORTED_ERRORS) this.tally.errors.push(e);
  }

  /** Parses and checks one raw row; null when it is bad (its errors are recorded). */
  check(raw: RawRow, columns: (string | null)[]): ParsedRow | null {
    const errors: ImportRowError[] = [];
    const parsed = parseRow(raw, columns, this.ctx.input.format, errors);
    if (parsed) {
      const key = dayKey(parsed.data.batchNumber, parsed.data.batchDate);
      const first = this.seen.get(key);
      if (first !== undefined && first !== raw.row) {
        errors.push({ row: raw.row, field: 'batchNumber', message: `Batch number ${parsed.data.batchNumber} for ${key.split('|')[1]} appears again (first on row ${first})` });
      } else this.seen.set(key, raw.row);
    }
    for (const e of errors) this.error(e);
    return errors.length ? null : parsed;
  }

  /** Remembers the keys of rows an earlier attempt already handled (so later duplicates are still caught). */
  remember(raw: RawRow, columns: (string | null)[]) {
    const parsed = parseRow(raw, columns, this.ctx.input.format, []);
    if (parsed) {
      const key = dayKey(parsed.data.batchNumber, parsed.data.batchDate);
      if (!this.seen.has(key)) this.seen.set(key, raw.row);
    }
  }

  /**
   * Checks a chunk against the database and, with `write`, writes it: work centers must exist;
   * an existing batch number and date is updated (updateExisting) or refused. Returns the rows
   * refused here.
   */
  async apply(tx: Tx, rows: ParsedRow[], write: boolean): Promise<number> {
    const failedBefore = this.tally.failed;
    const unknown = [...new Set(rows.map((r) => r.workCenterIdentifier))].filter((i) => !this.workCenters.has(i));
    if (unknown.length) {
      const found = await tx.workCenter.findMany({ where: { identifier: { in: unknown } }, select: { id: true, identifier: true } });
      for (const i of unknown) this.workCenters.set(i, found.find((w) => w.identifier === i)?.id ?? null);
    }
    const placed = rows.flatMap((r) => {
      const workCenterId = this.workCenters.get(r.workCenterIdentifier);
      if (!workCenterId) {
        this.error({ row: r.row, field: 'workCenterIdentifier', message: `No work center with identifier "${r.workCenterIdentifier}"` });
        return [];
      }
      return [{ ...r, workCenterId }];
    });
    if (placed.length === 0) return this.tally.failed - failedBefore;
    // A join on the (batchNumber, batchDate) unique index: an OR of 500 pairs was planned as a
    // scan of the whole table once it grew, which made large imports quadratic.
    const existing = await tx.$queryRawUnsafe<{ id: string; batchNumber: number; batchDate: Date }[]>(
      `SELECT b.id, b."batchNumber", b."batchDate" FROM unnest($1::int[], $2::date[]) AS k(n, d) JOIN "Batch" b ON b."batchNumber" = k.n AND b."batchDate" = k.d`,
      placed.map((r) => r.data.batchNumber),
      placed.map((r) => r.data.batchDate.toISOString().slice(0, 10)),
    );
    const existingByKey = new Map(existing.map((b) => [dayKey(b.batchNumber, b.batchDate), b.id]));
    const creates: Prisma.BatchCreateManyInput[] = [];
    const updates: { id: string; data: Prisma.BatchUncheckedUpdateInput }[] = [];
    for (const r of placed) {
      const data = { ...r.data, workCenterId: r.workCenterId };
      const id = existingByKey.get(dayKey(r.data.batchNumber, r.data.batchDate));
      if (!id) creates.push(data);
      else if (this.ctx.input.updateExisting) updates.push({ id, data });
      else this.error({ row: r.row, field: 'batchNumber', message: `Batch number ${r.data.batchNumber} already exists for ${r.data.batchDate.toISOString().slice(0, 10)} (import with updateExisting to update it)` });
    }
    if (write) {
      if (creates.length) await tx.batch.createMany({ data: creates });
      for (const u of updates) await tx.batch.update({ where: { id: u.id }, data: u.data });
      this.tally.created += creates.length;
      this.tally.updated += updates.length;
    }
    return this.tally.failed - failedBefore;
  }
}

/** Maps the header row to column names; a missing required column fails the whole file. */
function readHeader(raw: RawRow): (string | null)[] {
  const columns = raw.cells.map((c) => {
    const name = byNormalized.get(normalize(String(cellValue(c) ?? '')));
    return name ?? null;
  });
  const missing = required.filter((name) => !columns.includes(name));
  if (missing.length) {
    throw new TaskUserError(
      `The file's first row must name the columns; missing: ${missing.join(', ')}. Use the columns of an exportBatches file (${batchColumns.filter((c) => c.imported).map((c) => c.name).join(', ')}).`,
    );
  }
  return columns;
}

async function* chunks(ctx: TaskContext, rows: AsyncGenerator<RawRow>, onHeader: (raw: RawRow) => void): AsyncGenerator<RawRow[]> {
  let header = false;
  let chunk: RawRow[] = [];
  for await (const raw of rows) {
    if (isEmpty(raw.cells)) continue;
    if (!header) {
      onHeader(raw);
      header = true;
      continue;
    }
    chunk.push(raw);
    if (chunk.length >= IMPORT_CHUNK_SIZE) {
      ctx.signal.throwIfAborted();
      yield chunk;
      chunk = [];
    }
  }
  if (!header) throw new TaskUserError('The file is empty: it has no header row and no batches');
  if (chunk.length) yield chunk;
}

async function checkFormat(file: StoredFile, format: BatchFileFormat, services: TaskContext['services']) {
  const handle = await open(filePath(services, file), 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    const zip = bytesRead === 4 && buffer.readUInt32LE(0) === 0x04034b50;
    if (format === 'XLSX' && !zip) throw new TaskUserError(`"${file.filename}" is not an XLSX file (an .xlsx is a zip archive); import it as CSV or save it as .xlsx`);
    if (format === 'CSV' && zip) throw new TaskUserError(`"${file.filename}" looks like an XLSX file, not CSV; import it with format XLSX`);
  } finally {
    await handle.close();
  }
}

export async function runImportBatches(ctx: TaskContext<z.infer<typeof importBatchesInput>>): Promise<ImportBatchesResult> {
  try {
    return await importBatches(ctx);
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    const done = ctx.input.atomic ? 'nothing was imported' : 'batches of the rows read before it may have been imported; fix the file and import it again with updateExisting';
    throw new TaskUserError(`The file could not be read as ${ctx.input.format}: ${error.message}; ${done}`);
  }
}

async function importBatches(ctx: TaskContext<z.infer<typeof importBatchesInput>>): Promise<ImportBatchesResult> {
  const { fileId, format, atomic } = ctx.input;
  const file = await ctx.services.prisma.storedFile.findUnique({ where: { id: fileId } });
  if (!file) throw new TaskUserError('The uploaded file is gone (it expired or was removed); upload it again');
  await checkFormat(file, format, ctx.services);

  const resumed = (!atomic ? ctx.checkpoint : null) as Checkpoint | null;
  const tally: Tally = {
    rows: resumed?.rows ?? 0,
    created: resumed?.created ?? 0,
    updated: resumed?.updated ?? 0,
    failed: resumed?.failed ?? 0,
    errors: resumed?.errors ?? [],
    failedRows: new Set(),
  };
  const importer = new Importer(ctx, tally);
  const total = atomic ? file.size * 2 : file.size;
  let bytes = 0;
  let columns: (string | null)[] = [];
  // One read of the file; progress counts file bytes (an atomic import reads the file twice).
  const pass = (offset: number) => {
    bytes = offset;
    return chunks(ctx, readRows(openFile(ctx.services, file), format, (n) => (bytes += n)), (raw) => (columns = readHeader(raw)));
  };
  await ctx.progress(0, total);

  if (!atomic) {
    for await (const chunk of pass(0)) {
      const fresh = chunk.filter((raw) => !resumed || raw.row > resumed.row);
      for (const raw of chunk) if (resumed && raw.row <= resumed.row) importer.remember(raw, columns);
      if (fresh.length === 0) continue;
      const checked = fresh.flatMap((raw) => importer.check(raw, columns) ?? []);
      tally.rows += fresh.length;
      const before = { created: tally.created, updated: tally.updated };
      try {
        await ctx.services.prisma.$transaction(
          async (tx) => {
            if (checked.length) await importer.apply(tx, checked, true);
            await ctx.saveCheckpoint({ row: fresh.at(-1)!.row, rows: tally.rows, created: tally.created, updated: tally.updated, failed: tally.failed, errors: tally.errors } satisfies Checkpoint, tx);
          },
          { timeout: 120_000, maxWait: 30_000 },
        );
      } catch (error) {
        Object.assign(tally, before); // the chunk was rolled back
        throw error;
      }
      await ctx.progress(Math.min(bytes, total), total);
    }
  } else {
    // Pass 1 checks everything (the file, then the database) without writing.
    for await (const chunk of pass(0)) {
      const checked = chunk.flatMap((raw) => importer.check(raw, columns) ?? []);
      tally.rows += chunk.length;
      if (checked.length) await importer.apply(ctx.services.prisma as unknown as Tx, checked, false);
      await ctx.progress(Math.min(bytes, file.size), total);
    }
    if (tally.failed === 0 && tally.rows > 0) {
      // Pass 2 writes it all in one transaction; a row refused now (a concurrent change) undoes it all.
      const written: Tally = { rows: 0, created: 0, updated: 0, failed: 0, errors: [], failedRows: new Set() };
      const second = new Importer(ctx, written);
      const committed = await ctx.services.prisma
        .$transaction(
          async (tx) => {
            for await (const chunk of pass(file.size)) {
              const checked = chunk.flatMap((raw) => second.check(raw, columns) ?? []);
              if ((await second.apply(tx, checked, true)) > 0 || checked.length < chunk.length) throw new AtomicRollback();
            }
            return true;
          },
          { timeout: 30 * 60_000, maxWait: 30_000 },
        )
        .catch((error) => {
          if (error instanceof AtomicRollback) return false;
          throw error;
        });
      if (committed) Object.assign(tally, { created: written.created, updated: written.updated });
      else Object.assign(tally, { failed: written.failed, errors: written.errors });
    }
  }

  const result: ImportBatchesResult = {
    fileId,
    format,
    rows: tally.rows,
    created: tally.created,
    updated: tally.updated,
    failed: tally.failed,
    atomic,
    errors: [...tally.errors].sort((a, b) => a.row - b.row),
    errorsTruncated: tally.failed > tally.errors.length && tally.errors.length >= MAX_REPORTED_ERRORS,
  };
  await transact(ctx.services, ctx.actor.name, async (_tx, emit) =>
    emit('batch.import_completed', { taskId: ctx.taskId, created: result.created, updated: result.updated, failed: result.failed, rows: result.rows, atomic }),
  );
  return result;
}

class AtomicRollback extends Error {}

/** The `importBatches` task kind (declared in src/registry.ts). */
export const importBatchesTask: TaskKind<z.infer<typeof importBatchesInput>, ImportBatchesResult> = {
  description: 'Batches from an uploaded CSV or XLSX file (the exportBatches columns)',
  input: importBatchesInput,
  run: runImportBatches,
};

// ——— starting an import (the mutation's side) ————————————————————————————————

const XLSX_TYPES = /spreadsheetml|ms-excel\.sheet|application\/zip/i;

/** The format named by the file: extension first, then content type, then the first bytes. */
export async function detectFormat(file: Pick<File, 'name' | 'type' | 'arrayBuffer'>): Promise<BatchFileFormat | null> {
  const name = (file.name ?? '').toLowerCase();
  if (name.endsWith('.csv') || name.endsWith('.txt')) return 'CSV';
  if (name.endsWith('.xlsx')) return 'XLSX';
  if (name.endsWith('.xls')) return null; // the old binary Excel format is not read
  if (/text\/csv|text\/plain|application\/csv/i.test(file.type ?? '')) return 'CSV';
  if (XLSX_TYPES.test(file.type ?? '')) return 'XLSX';
  // Neither says: look at the first bytes (the upload is in memory already, at most UPLOAD_MAX_BYTES).
  const head = new Uint8Array(await file.arrayBuffer()).subarray(0, 4096);
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'XLSX';
  return head.includes(0) ? null : 'CSV';
}

/** A client's file name or type without what the database cannot store (NUL) or is not text (lone surrogates). */
const storable = (text: string | undefined) => withoutIllFormed(text ?? '');

export interface StartImportInput {
  file: File | OversizedUpload;
  format?: BatchFileFormat | null;
  updateExisting?: boolean | null;
  atomic?: boolean | null;
}

/**
 * Stores the upload and queues its import. Refused (typed TaskError, nothing stored) when the file
 * is over UPLOAD_MAX_BYTES, by its declared size or by the bytes that actually arrive, empty, or in
 * a format that is not CSV or XLSX.
 */
export async function startImportBatches(services: AppServices, actor: Actor, input: StartImportInput) {
  const { uploadMaxBytes, resultTtlMs } = settingsOf(services);
  const { file } = input;
  const tooLarge = () => new DomainError('FILE_TOO_LARGE', `The file is larger than the ${formatBytes(uploadMaxBytes)} upload limit; nothing was imported`, ['input', 'file']);
  if (file instanceof OversizedUpload || file.size > uploadMaxBytes) throw tooLarge();
  if (file.size === 0) throw new DomainError('EMPTY_FILE', 'The file is empty', ['input', 'file']);
  const format = input.format ?? (await detectFormat(file));
  if (!format) throw new DomainError('UNSUPPORTED_FORMAT', `Cannot tell the format of "${file.name}": upload a .csv or .xlsx file, or give format`, ['input', 'format']);
  let stored: StoredFile;
  try {
    stored = await storeFile(services, file.stream(), {
      filename: storable(file.name) || `import.${format.toLowerCase()}`,
      contentType: storable(file.type) || contentTypes[format],
      maxBytes: uploadMaxBytes,
      // Until the task claims it; finishing the task sets the final expiry.
      expiresAt: new Date(Date.now() + resultTtlMs),
    });
  } catch (error) {
    if (error instanceof FileTooLargeError) throw tooLarge();
    throw error;
  }
  try {
    return await createTask(services, actor, {
      kind: 'importBatches',
      input: { fileId: stored.id, format, updateExisting: input.updateExisting ?? false, atomic: input.atomic ?? false },
      fileIds: [stored.id],
    });
  } catch (error) {
    await services.prisma.storedFile.delete({ where: { id: stored.id } }).catch(() => undefined);
    await unlinkFiles(services, [stored]);
    throw error;
  }
}
