/**
 * A background task's CSV file written page by page: rows streamed from the database straight into
 * the file store (memory holds one page whatever the number of rows), progress per page, text
 * cells guarded against spreadsheet formulas as the batch export does.
 */
import { stringify } from 'csv-stringify';
import { drained, escapeCsvText } from '../production/batch-export.js';
import type { TaskContext } from '../tasks/task-kinds.js';

export interface CsvColumn<T> {
  name: string;
  /** Free text from users or marketplaces: written formula-safe. */
  text?: boolean;
  value(row: T): string | number | boolean | null | undefined;
}

export interface CsvExportResult {
  fileId: string;
  url: string;
  filename: string;
  format: 'CSV';
  rows: number;
}

/** `<name>-<UTC time>.csv`, as the batch exports are named. */
function exportFilename(name: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
  return `${name}-${stamp}.csv`;
}

/** Writes every row `pages` yields under one header row; `total` (rows expected) drives the progress. */
export async function exportCsv<T>(ctx: TaskContext<unknown>, options: { name: string; columns: readonly CsvColumn<T>[]; total: number; pages: AsyncIterable<T[]> }): Promise<CsvExportResult> {
  const { columns } = options;
  await ctx.progress(0, options.total);
  const filename = exportFilename(options.name);
  const csv = stringify({ header: true, columns: columns.map((c) => c.name), bom: true, cast: { boolean: (v) => (v ? 'true' : 'false') } });
  const saving = ctx.saveFile(filename, 'text/csv; charset=utf-8', csv);
  let rows = 0;
  try {
    for await (const page of options.pages) {
      ctx.signal.throwIfAborted();
      for (const row of page) {
        csv.write(
          columns.map((c) => {
            const v = c.value(row);
            return c.text && typeof v === 'string' ? escapeCsvText(v) : v;
          }),
        );
      }
      rows += page.length;
      await drained(csv);
      await ctx.progress(rows, Math.max(options.total, rows));
    }
    await new Promise<void>((resolve) => csv.end(resolve));
  } catch (error) {
    csv.destroy(error as Error);
    await saving.catch(() => undefined);
    throw error;
  }
  const file = await saving;
  return { fileId: file.id, url: ctx.fileUrl(file.id), filename, format: 'CSV', rows };
}

/** Pages of a keyset-paged query: `read(cursor)` returns up to `size` rows after the row with id `cursor`. */
export async function* keysetPages<T extends { id: string }>(size: number, read: (cursor: string | undefined) => Promise<T[]>): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  for (;;) {
    const page = await read(cursor);
    if (page.length) yield page;
    if (page.length < size) return;
    cursor = page.at(-1)!.id;
  }
}
