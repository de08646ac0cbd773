import { isUuid } from '../../core/ids.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { batchSortFields, type BatchFilter } from './batch.filters.js';

/**
 * The batch list's where, order and cursor as SQL, for the batch page written whole by PostgreSQL
 * (batch-connection.schema.ts): the same rows in the same order as Prisma reads for batchWhere,
 * batchListOrder and Pothos' cursor, so the page's ids and its count come from the one statement
 * that writes the page instead of two Prisma round trips before it (issue 17). Where the two could
 * differ (a cursor on a nullable sort column, whose Prisma semantics are its own; a work center id
 * that is no UUID, which Prisma refuses), the builders answer null and the list is left to Prisma.
 * tests/production/batch-list-sql.test.ts compares them with Prisma.
 */

/** The statement's parameters; each placeholder carries its type so PostgreSQL and PGlite read them alike. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown, type: 'text' | 'int' | 'boolean' | 'date' | 'uuid'): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/** Every Batch column a filter or an order reads, each of which must hold the Prisma field of its name (prisma-columns.ts). */
export const BATCH_LIST_COLUMNS: ReadonlySet<string> = new Set([...Object.values(batchSortFields), 'id', 'workCenterId']);

const FILTER_KEYS: ReadonlySet<string> = new Set(['closed', 'batchNumber', 'batchDate', 'batchDateFrom', 'batchDateTo', 'workCenterId', 'workCenterIdentifier', 'shift', 'team', 'nomenclature'] satisfies Array<keyof BatchFilter>);

/** batchWhere as SQL on the Batch row `b` (the work center identifier through its "WorkCenter" row); null when it is left to Prisma. */
export function batchWhereSql(filter: BatchFilter | null | undefined, b: string, params: SqlParams): string | null {
  const conditions: string[] = [];
  // A condition this function does not know yet (a field added to BatchFilter and batchWhere only) would be dropped: refuse instead.
  if (filter && Object.entries(filter).some(([key, value]) => value != null && !FILTER_KEYS.has(key))) return null;
  if (filter) {
    const date = (d: Date) => params.add(d.toISOString().slice(0, 10), 'date');
    if (filter.closed != null) conditions.push(`${b}."closed" = ${params.add(filter.closed, 'boolean')}`);
    if (filter.batchNumber != null) conditions.push(`${b}."batchNumber" = ${params.add(filter.batchNumber, 'int')}`);
    if (filter.batchDate) conditions.push(`${b}."batchDate" = ${date(filter.batchDate)}`);
    else {
      if (filter.batchDateFrom) conditions.push(`${b}."batchDate" >= ${date(filter.batchDateFrom)}`);
      if (filter.batchDateTo) conditions.push(`${b}."batchDate" <= ${date(filter.batchDateTo)}`);
    }
    if (filter.workCenterId) {
      if (!isUuid(filter.workCenterId)) return null;
      conditions.push(`${b}."workCenterId" = ${params.add(filter.workCenterId, 'uuid')}`);
    }
    if (filter.workCenterIdentifier) conditions.push(`EXISTS (SELECT 1 FROM "WorkCenter" fw WHERE fw."id" = ${b}."workCenterId" AND fw."identifier" = ${params.add(filter.workCenterIdentifier, 'text')})`);
    if (filter.shift) conditions.push(`${b}."shift" = ${params.add(filter.shift, 'text')}`);
    if (filter.team) conditions.push(`${b}."team" = ${params.add(filter.team, 'text')}`);
    // Prisma's `contains` with mode insensitive: ILIKE, and like Prisma, % and _ in the text are wildcards.
    if (filter.nomenclature) conditions.push(`${b}."nomenclature" ILIKE ('%' || ${params.add(filter.nomenclature, 'text')} || '%')`);
  }
  return conditions.length ? conditions.join(' AND ') : 'true';
}

type OrderKey = { column: string; descending: boolean; nulls?: 'first' | 'last' };

/** The keys of an orderBy batchListOrder made (one column per entry); null for anything else. */
export function orderKeys(orderBy: Prisma.BatchOrderByWithRelationInput[]): OrderKey[] | null {
  const keys: OrderKey[] = [];
  for (const entry of orderBy) {
    const pairs = Object.entries(entry);
    if (pairs.length !== 1) return null;
    const [column, value] = pairs[0]!;
    if (!BATCH_LIST_COLUMNS.has(column)) return null;
    if (value === 'asc' || value === 'desc') keys.push({ column, descending: value === 'desc' });
    else if (value && typeof value === 'object' && 'sort' in value && (value.nulls === 'first' || value.nulls === 'last')) keys.push({ column, descending: value.sort === 'desc', nulls: value.nulls });
    else return null;
  }
  return keys;
}

/** ORDER BY of `keys` on the row `b`. */
export function orderSql(keys: OrderKey[], b: string): string {
  return keys.map((k) => `${b}."${k.column}" ${k.descending ? 'DESC' : 'ASC'}${k.nulls ? ` NULLS ${k.nulls.toUpperCase()}` : ''}`).join(', ');
}

/**
 * Rows from the cursor row on in `keys`' order (the cursor row included: Pothos skips it), as
 * Prisma compares them: against the cursor row's values, so a cursor whose row is gone gives no
 * rows. Null for a nullable sort column, whose comparison Prisma writes its own way.
 */
export function cursorSql(keys: OrderKey[], cursorId: string, b: string, params: SqlParams): string | null {
  if (keys.some((k) => k.nulls) || !isUuid(cursorId)) return null;
  const id = params.add(cursorId, 'uuid');
  const at = (column: string) => `(SELECT c."${column}" FROM "Batch" c WHERE c."id" = ${id})`;
  const alternatives = keys.map((key, i) => {
    const equal = keys.slice(0, i).map((k) => `${b}."${k.column}" = ${at(k.column)}`);
    const op = (key.descending ? '<' : '>') + (i === keys.length - 1 ? '=' : '');
    return `(${[...equal, `${b}."${key.column}" ${op} ${at(key.column)}`].join(' AND ')})`;
  });
  return `(${alternatives.join(' OR ')})`;
}
