/** Checking one row of an import file with the same rules as `createBatch` (no database needed). */
import type { z } from 'zod';
import { textProblem } from '../../core/well-formed-text.js';
import { storableDate } from '../../shared/date-range.js';
import { batchCreate } from './production.inputs.js';
import { batchColumns, unescapeCsvText, type BatchFileFormat } from './batch-export.js';
import type { RawRow } from './batch-import.parse.js';

export interface ImportRowError {
  /** The row as a spreadsheet shows it: the header is row 1, the first data row is row 2. */
  row: number;
  /** The column, or null for the row as a whole. */
  field: string | null;
  message: string;
}

const textColumns = new Set<string>(batchColumns.filter((c) => 'text' in c && c.text).map((c) => c.name));

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

export interface ParsedRow {
  row: number;
  data: Omit<z.infer<typeof batchCreate>, 'closed' | 'workCenterId'> & { closed: boolean; closedAt: Date | null };
  workCenterIdentifier: string;
}

/** Field-level checks that need no database; the rest (work center, uniqueness) come per chunk. */
export function parseRow(raw: RawRow, columns: (string | null)[], format: BatchFileFormat, errors: ImportRowError[]): ParsedRow | null {
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
