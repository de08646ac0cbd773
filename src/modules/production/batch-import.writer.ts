/** Writing checked import rows: work centers resolved, existing batches updated or refused, per chunk. */
import type { Tx } from '../../db/transaction.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { TaskContext } from '../tasks/task-kinds.js';
import { parseRow, type ImportRowError, type ParsedRow } from './batch-import.rows.js';
import type { RawRow } from './batch-import.parse.js';
import type { ImportBatchesInput } from './batch-import.task.js';

/** Row errors kept in the result (the `failed` count is always exact). */
export const MAX_REPORTED_ERRORS = 1000;

const dayKey = (batchNumber: number, batchDate: Date) => `${batchNumber}|${batchDate.toISOString().slice(0, 10)}`;

export interface Tally {
  rows: number;
  created: number;
  updated: number;
  failed: number;
  errors: ImportRowError[];
  failedRows: Set<number>;
}

export class Importer {
  /** Work center ids by identifier (null: does not exist); work centers are few, so they are cached. */
  private readonly workCenters = new Map<string, string | null>();
  /** First row of each batch number and date seen in the file, to report duplicates within it. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ctx: TaskContext<ImportBatchesInput>,
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
