/**
 * Reading an import file: CSV or XLSX as a stream of raw rows (never all held), the header row
 * mapped to the export's columns, and the rows handed on in chunks.
 */
import { open } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { excel } from '../../shared/exceljs.js';
import { parse } from 'csv-parse';
import type { StoredFile } from '../../generated/prisma/client.js';
import { TaskUserError, type TaskContext } from '../tasks/task-kinds.js';
import { filePath } from '../files/file.store.js';
import { batchColumns, type BatchFileFormat } from './batch-export.js';

/** exceljs, loaded on the first XLSX file rather than at start. */

/** Rows checked and written per chunk. */
export const IMPORT_CHUNK_SIZE = 500;

const required = batchColumns.filter((c) => c.imported && c.name !== 'closed' && c.name !== 'closedAt').map((c) => c.name);
const importedNames = new Set<string>(batchColumns.filter((c) => c.imported).map((c) => c.name));
const normalize = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');
const byNormalized = new Map([...importedNames].map((n) => [normalize(n), n]));

export interface RawRow {
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
  const reader = new (excel().stream.xlsx.WorkbookReader)(stream, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
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
export class UnreadableFile extends Error {}

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
export function readRows(source: Readable, format: BatchFileFormat, onBytes: (n: number) => void): AsyncGenerator<RawRow> {
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

/** Maps the header row to column names; a missing required column fails the whole file. */
export function readHeader(raw: RawRow): (string | null)[] {
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

export async function* chunks(ctx: TaskContext, rows: AsyncGenerator<RawRow>, onHeader: (raw: RawRow) => void): AsyncGenerator<RawRow[]> {
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

export async function checkFormat(file: StoredFile, format: BatchFileFormat, services: TaskContext['services']) {
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

