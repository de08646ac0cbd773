import type { Prisma as PrismaClient } from '../../db/database.js';
import type { Prisma } from '../../generated/prisma/client.js';

/**
 * The batch list's read path (issue 17). Prisma maps every row and nested relation of a page in
 * JavaScript, which cost more than everything else the batch page does; here PostgreSQL builds
 * the page's batches with their work center, their page of units and their unit count as one JSON
 * document in one statement, and JavaScript only parses it and turns timestamps back into Dates.
 *
 * The rows have exactly the shape Prisma returns for the query Pothos plans (`include` of
 * workCenter, units with where/orderBy/take/skip, `_count.units`), so the Batch type's fields
 * resolve from them unchanged. Which batches, in which order, stays Prisma's: their ids come from
 * a `findMany` with the list's where, orderBy and Pothos' cursor/take/skip (one cheap statement).
 * A plan this file does not know (a relation below units, a unit cursor, a select) gets null, and
 * the caller asks Prisma for all of it.
 *
 * Only the columns some selected field names are read (`fields`, see selectedFieldNames): every
 * column of every row, dates turned into numbers and back, made the statement ~3× slower in
 * PostgreSQL and the JSON ~3× larger for the bench page, which asks for 5 of the 26 columns.
 */

/** Columns of each model as Prisma returns them; DateTime columns travel as epoch milliseconds. */
const BATCH_COLUMNS = {
  id: 'text',
  taskDescription: 'text',
  shift: 'text',
  team: 'text',
  batchNumber: 'int',
  batchDate: 'date',
  nomenclature: 'text',
  eknCode: 'text',
  shiftStart: 'date',
  shiftEnd: 'date',
  workCenterId: 'text',
  productId: 'text',
  closed: 'bool',
  closedAt: 'date',
  createdAt: 'date',
  updatedAt: 'date',
} as const;
const WORK_CENTER_COLUMNS = { id: 'text', identifier: 'text', name: 'text', stockFrom: 'text', createdAt: 'date', updatedAt: 'date' } as const;
const UNIT_COLUMNS = { id: 'text', code: 'text', batchId: 'text', aggregated: 'bool', aggregatedAt: 'date', createdAt: 'date' } as const;
type Columns = Record<string, 'text' | 'int' | 'bool' | 'date'>;

/** The columns of `all` that `fields` names, plus `always` (keys, cursors); all of them without `fields`. */
function pick(all: Columns, fields: ReadonlySet<string> | undefined, always: string[]): Columns {
  if (!fields) return all;
  return Object.fromEntries(Object.entries(all).filter(([name]) => fields.has(name) || always.includes(name)));
}
interface PageColumns {
  batch: Columns;
  workCenter: Columns;
  unit: Columns;
}

/** The only unit order the Batch.units connection plans; anything else goes to Prisma. */
const UNIT_ORDER = JSON.stringify([{ createdAt: 'asc' }, { id: 'asc' }]);

type UnitWhere = { aggregated?: boolean };
interface UnitsPlan {
  where: UnitWhere;
  take: number;
  skip: number;
}
interface Plan {
  workCenter: boolean;
  units: UnitsPlan | null;
  unitCount: UnitWhere | null;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const onlyKeys = (value: Record<string, unknown>, keys: string[]) => Object.keys(value).every((k) => keys.includes(k) || value[k] === undefined);
const count = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;

function unitWhere(where: unknown): UnitWhere | null {
  if (where === undefined) return {};
  if (!isObject(where) || !onlyKeys(where, ['aggregated'])) return null;
  if (where.aggregated === undefined) return {};
  return typeof where.aggregated === 'boolean' ? { aggregated: where.aggregated } : null;
}

/** What of the plan Pothos made this path can answer, or null. */
function planOf(include: unknown): Plan | null {
  if (include === undefined) return { workCenter: false, units: null, unitCount: null };
  if (!isObject(include) || !onlyKeys(include, ['workCenter', 'units', '_count'])) return null;
  const plan: Plan = { workCenter: false, units: null, unitCount: null };
  if (include.workCenter !== undefined) {
    if (include.workCenter !== true) return null;
    plan.workCenter = true;
  }
  const units = include.units;
  if (units !== undefined) {
    if (!isObject(units) || !onlyKeys(units, ['where', 'orderBy', 'take', 'skip'])) return null;
    if (JSON.stringify(units.orderBy) !== UNIT_ORDER || !count(units.take) || !(units.skip === undefined || count(units.skip))) return null;
    const where = unitWhere(units.where);
    if (!where) return null;
    plan.units = { where, take: units.take, skip: (units.skip as number | undefined) ?? 0 };
  }
  const counts = include._count;
  if (counts !== undefined) {
    if (!isObject(counts) || !onlyKeys(counts, ['select']) || !isObject(counts.select) || !onlyKeys(counts.select, ['units'])) return null;
    const units = counts.select.units;
    if (units === true) plan.unitCount = {};
    else if (isObject(units) && onlyKeys(units, ['where'])) plan.unitCount = unitWhere(units.where);
    else return null;
    if (!plan.unitCount) return null;
  }
  return plan;
}

/** `json_build_object` of a row's columns; DateTime columns as epoch milliseconds (exact: extract is numeric). */
function jsonObject(alias: string, columns: Columns): string {
  const pairs = Object.entries(columns).map(([name, kind]) =>
    kind === 'date' ? `'${name}', round(extract(epoch FROM ${alias}."${name}") * 1000)` : `'${name}', ${alias}."${name}"`,
  );
  return `json_build_object(${pairs.join(', ')})`;
}

/** The DateTime columns of `columns`, whose epoch milliseconds become Dates again. */
const dateColumns = (columns: Columns) => Object.keys(columns).filter((name) => columns[name] === 'date');

function toDates<T extends Record<string, unknown>>(row: T, dates: string[]): T {
  for (const name of dates) {
    if (row[name] != null) (row as Record<string, unknown>)[name] = new Date(row[name] as number);
  }
  return row;
}

const sameWhere = (a: UnitWhere, b: UnitWhere) => a.aggregated === b.aggregated;

/** The SQL of a plan; $1 is the page's ids, in order. */
function pageSql(plan: Plan, columns: PageColumns): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length + 1}`;
  };
  const unitFilter = (where: UnitWhere) => (where.aggregated === undefined ? '' : ` AND u."aggregated" = ${param(where.aggregated)}`);
  const fields = [`'batch', ${jsonObject('b', columns.batch)}`];
  const joins: string[] = [];
  if (plan.workCenter) {
    fields.push(`'workCenter', ${jsonObject('w', columns.workCenter)}`);
    joins.push('JOIN "WorkCenter" w ON w."id" = b."workCenterId"');
  }
  const units = plan.units;
  if (units && plan.unitCount && sameWhere(units.where, plan.unitCount)) {
    // The page of units and their count in one pass over the batch's units (the usual plan: Pothos counts what the connection lists).
    const skip = param(units.skip);
    fields.push(`'units', units.rows`, `'unitCount', units.n`);
    joins.push(
      `LEFT JOIN LATERAL (SELECT coalesce(json_agg(${jsonObject('u', columns.unit)} ORDER BY u.rn) FILTER (WHERE u.rn > ${skip}::int AND u.rn <= ${skip}::int + ${param(units.take)}::int), '[]') AS rows, count(*)::int AS n
         FROM (SELECT u.*, row_number() OVER (ORDER BY u."createdAt", u."id") AS rn FROM "Unit" u WHERE u."batchId" = b."id"${unitFilter(units.where)}) u) units ON true`,
    );
    return { sql: pageStatement(fields, joins), params };
  }
  if (units) {
    fields.push(`'units', units.rows`);
    joins.push(
      `LEFT JOIN LATERAL (SELECT coalesce(json_agg(${jsonObject('u', columns.unit)} ORDER BY u."createdAt", u."id"), '[]') AS rows FROM (
         SELECT * FROM "Unit" u WHERE u."batchId" = b."id"${unitFilter(units.where)}
          ORDER BY u."createdAt", u."id" LIMIT ${param(units.take)}::int OFFSET ${param(units.skip)}::int) u) units ON true`,
    );
  }
  if (plan.unitCount) {
    fields.push(`'unitCount', unit_count.n`);
    joins.push(`LEFT JOIN LATERAL (SELECT count(*)::int AS n FROM "Unit" u WHERE u."batchId" = b."id"${unitFilter(plan.unitCount)}) unit_count ON true`);
  }
  return { sql: pageStatement(fields, joins), params };
}

function pageStatement(fields: string[], joins: string[]): string {
  return `SELECT coalesce(json_agg(json_build_object(${fields.join(', ')}) ORDER BY page.ord), '[]')::text AS page
    FROM unnest($1::uuid[]) WITH ORDINALITY AS page(id, ord)
    JOIN "Batch" b ON b."id" = page.id
    ${joins.join('\n    ')}`;
}

type PageRow = { batch: Record<string, unknown>; workCenter?: Record<string, unknown>; units?: Record<string, unknown>[]; unitCount?: number };

/**
 * A page of batches as `prisma.batch.findMany({ ...query, where, orderBy })` would return it, in
 * two statements whatever the page size; null when `query` plans something this path does not read.
 * With `fields` (the field names the document selects below the list), each row holds only the
 * columns named there, and the ids.
 */
export async function readBatchPage(
  prisma: PrismaClient,
  query: { include?: unknown; select?: unknown; take?: number; skip?: number; cursor?: Prisma.BatchWhereUniqueInput },
  list: { where: Prisma.BatchWhereInput; orderBy: Prisma.BatchOrderByWithRelationInput[] },
  fields?: ReadonlySet<string>,
) {
  const { include, select, take, skip, cursor, ...rest } = query;
  if (select !== undefined || Object.keys(rest).length > 0) return null;
  const plan = planOf(include);
  if (!plan) return null;
  const ids = await prisma.batch.findMany({ where: list.where, orderBy: list.orderBy, take, skip, cursor, select: { id: true } });
  if (ids.length === 0) return [];
  const columns: PageColumns = { batch: pick(BATCH_COLUMNS, fields, ['id']), workCenter: pick(WORK_CENTER_COLUMNS, fields, ['id']), unit: pick(UNIT_COLUMNS, fields, ['id']) };
  const { sql, params } = pageSql(plan, columns);
  const [result] = await prisma.$queryRawUnsafe<{ page: string }[]>(sql, ids.map((r) => r.id), ...params);
  const rows = JSON.parse(result!.page) as PageRow[];
  const dates = { batch: dateColumns(columns.batch), workCenter: dateColumns(columns.workCenter), unit: dateColumns(columns.unit) };
  return rows.map(({ batch, workCenter, units, unitCount }) => {
    const row = toDates(batch, dates.batch) as Record<string, unknown>;
    if (workCenter) row.workCenter = toDates(workCenter, dates.workCenter);
    if (units) row.units = units.map((u) => toDates(u, dates.unit));
    if (unitCount !== undefined) row._count = { units: unitCount };
    return row as Prisma.BatchGetPayload<{ include: { workCenter: true; units: true; _count: true } }>;
  });
}
