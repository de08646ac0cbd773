import { parsePrismaCursor } from '@pothos/plugin-prisma';
import type { GraphQLField, GraphQLObjectType } from 'graphql';
import type { Prisma as PrismaClient } from '../../db/database.js';
import { PAGE_SIZE } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context.js';
import { declaresScopes, isPlainField, objectTypeOf, RawJson, type SelectedField, type SelectionReader } from '../../graphql/prebuilt-fields.js';
import { batchFilterOf, batchListOrder, type BatchFilter } from './batch.filters.js';
import { BATCH_LIST_COLUMNS, batchWhereSql, cursorSql, orderKeys, orderSql, SqlParams } from './batch-list.sql.js';
import { modelColumns, type ModelColumns } from './prisma-columns.js';

/**
 * The batch page answered whole by PostgreSQL (issue 17, see src/graphql/prebuilt-fields.ts); GraphQL
 * layer (it reads the selection and writes the answer, Relay cursors included), beside batch.schema.ts:
 * planBatchConnection turns the document's selection below `batches` into one statement that
 * writes the connection's JSON text exactly as graphql-js would (response keys, __typename,
 * cursors, pageInfo, totalCount, each batch's work center and page of units with their count and
 * pageInfo), choosing the page's rows and counting the list with the list's own filter, order and
 * cursor (batch-list.sql.ts); readBatchConnection runs it, and the text goes to the response as
 * PostgreSQL wrote it (RawJson).
 *
 * A selection with anything else (a field with its own resolver such as aggregatedUnitCount, a
 * relation below units, paging units backwards or after a cursor, auth scopes on a field, a field
 * whose column Prisma maps to another name) and a list whose rows SQL might choose differently
 * from Prisma (a cursor on a nullable sort column) are not planned: graphql-js and the Prisma read
 * path answer them.
 */

/** The plan of a `batches` selection: its connection's JSON text as SQL, for the page's size and position. */
export interface BatchConnectionPlan {
  /** The list's filter and order, as the resolver reads them too. */
  filter: BatchFilter | null;
  orderBy: ReturnType<typeof batchListOrder>;
  /** The connection's selected parts; edges carry the SQL of one edge of the Batch row `b`. */
  parts: ConnectionPart[];
}

type PageInfoPart = { key: string; kind: 'hasNextPage' | 'hasPreviousPage' | 'startCursor' | 'endCursor' } | { key: string; kind: 'typename'; typename: string };
type ConnectionPart =
  | { key: string; kind: 'typename'; typename: string }
  | { key: string; kind: 'totalCount' }
  | { key: string; kind: 'pageInfo'; parts: PageInfoPart[] }
  | { key: string; kind: 'edges'; edge: string };

/**
 * JSON text is written by concatenation rather than json_build_object, whose output has spaces
 * after colons and commas: the response carries exactly JSON.stringify's bytes.
 * Response keys and type names are GraphQL names ([_A-Za-z][_0-9A-Za-z]*), safe in SQL literals.
 */
const text = (json: string) => `'${json}'`;
/** `{"k1":e1,"k2":e2}` of SQL expressions that each give non-null JSON text. */
function objectText(pairs: Array<[key: string, sql: string]>): string {
  if (pairs.length === 0) return text('{}');
  return `${pairs.map(([key, sql], i) => `${text(`${i === 0 ? '{' : ','}"${key}":`)} || ${sql}`).join(' || ')} || ${text('}')}`;
}
const stringText = (name: string) => text(JSON.stringify(name));
/** JSON text of a SQL value, `null` for NULL. */
const jsonText = (sql: string) => `coalesce(to_json(${sql})::text, 'null')`;
const booleanText = (condition: string) => `CASE WHEN ${condition} THEN 'true' ELSE 'false' END`;

/** A Pothos Prisma cursor on `id` (`GPC:S:<id>`, base64), as formatPrismaCursor writes it. */
const cursorOf = (alias: string) => `replace(encode(convert_to('GPC:S:' || ${alias}."id", 'UTF8'), 'base64'), chr(10), '')`;

/** The Prisma models this planner writes, by the GraphQL type that exposes them, with their columns as Prisma maps them. */
type Models = Record<'Batch' | 'WorkCenter' | 'Unit', ModelColumns>;

/** A column as the field's scalar serializes it, as JSON text; null for a scalar this path does not write, or a field Prisma maps to another column. */
function columnSql(field: GraphQLField<unknown, unknown>, alias: string, model: ModelColumns): string | null {
  const name = (field.extensions as { pothosExposedField: string }).pothosExposedField;
  if (!model.plain.has(name)) return null;
  const column = `${alias}."${name}"`;
  switch (objectTypeOf(field) ? null : field.type.toString().replace(/!$/, '')) {
    case 'ID':
      return jsonText(`${column}::text`);
    case 'String':
    case 'Int':
    case 'Boolean':
      return jsonText(column);
    case 'DateTime': // Date.prototype.toISOString of a timestamptz(3)
      return jsonText(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
    case 'Date': // a date column, YYYY-MM-DD
      return jsonText(`to_char(${column}, 'YYYY-MM-DD')`);
    default:
      return null;
  }
}

/** JSON text of the selected fields of a Batch, WorkCenter or Unit row `alias`; null when one is not covered. */
function objectSql(reader: SelectionReader, models: Models, type: GraphQLObjectType, alias: string, fields: SelectedField[] | null): string | null {
  const model = models[type.name as keyof Models];
  if (!fields || !model || declaresScopes(type)) return null;
  const pairs: Array<[string, string]> = [];
  for (const selected of fields) {
    if (selected.name === '__typename') {
      pairs.push([selected.key, stringText(type.name)]);
      continue;
    }
    const field = type.getFields()[selected.name];
    if (!field) return null;
    let value: string | null = null;
    if (isPlainField(type, field)) value = columnSql(field, alias, model);
    else if (type.name === 'Batch' && selected.name === 'workCenter' && isUnscoped(type, field)) value = workCenterSql(reader, models, field, alias, selected);
    else if (type.name === 'Batch' && selected.name === 'units' && isUnscoped(type, field)) value = unitsSql(reader, models, field, alias, selected);
    if (value === null) return null;
    pairs.push([selected.key, value]);
  }
  return objectText(pairs);
}

/** A relation field (not exposed, so not a plain field) without auth scopes of its own or of its type. */
function isUnscoped(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): boolean {
  return !declaresScopes(field) && !declaresScopes(type);
}

function workCenterSql(reader: SelectionReader, models: Models, field: GraphQLField<unknown, unknown>, batch: string, selected: SelectedField): string | null {
  const type = objectTypeOf(field);
  if (!type) return null;
  const w = 'w'; // nothing below a work center is covered, so one alias serves every level
  const object = objectSql(reader, models, type, w, reader.fields(selected.nodes, type));
  return object && `coalesce((SELECT ${object} FROM "${models.WorkCenter.table}" ${w} WHERE ${w}."id" = ${batch}."workCenterId"), 'null')`;
}

/** Batch.units(first, aggregated): its page, oldest first, with the count and pageInfo Pothos gives it, in one pass over the batch's units. */
function unitsSql(reader: SelectionReader, models: Models, field: GraphQLField<unknown, unknown>, batch: string, selected: SelectedField): string | null {
  const args = reader.args(field, selected) as { first?: number | null; after?: unknown; last?: unknown; before?: unknown; aggregated?: boolean | null };
  if (args.after != null || args.last != null || args.before != null) return null;
  const first = args.first == null ? PAGE_SIZE.default : Math.min(args.first, PAGE_SIZE.max);
  if (!Number.isInteger(first) || first < 0) return null;
  if (args.aggregated != null && typeof args.aggregated !== 'boolean') return null;
  const connection = objectTypeOf(field);
  if (!connection) return null;
  const u = 'u'; // nothing below a unit is covered
  const parts = connectionParts(reader, models, connection, selected, u);
  if (!parts) return null;
  const cursor = cursorOf(u);
  const inPage = `FILTER (WHERE ${u}.rn <= ${first})`;
  const pairs: Array<[string, string]> = parts.map((part) => {
    if (part.kind === 'typename') return [part.key, stringText(part.typename)];
    if (part.kind === 'totalCount') return [part.key, 'count(*)::text'];
    if (part.kind === 'edges') return [part.key, `'[' || coalesce(string_agg(${part.edge}, ',' ORDER BY ${u}.rn) ${inPage}, '') || ']'`];
    const info = part.parts.map((p): [string, string] => {
      if (p.kind === 'typename') return [p.key, stringText(p.typename)];
      if (p.kind === 'hasNextPage') return [p.key, booleanText(`count(*) > ${first}`)];
      if (p.kind === 'hasPreviousPage') return [p.key, text('false')];
      const direction = p.kind === 'startCursor' ? '' : ' DESC';
      return [p.key, jsonText(`(array_agg(${cursor} ORDER BY ${u}.rn${direction}) ${inPage})[1]`)];
    });
    return [part.key, objectText(info)];
  });
  const filter = args.aggregated == null ? '' : ` AND ${u}."aggregated" = ${args.aggregated ? 'true' : 'false'}`;
  // GROUP BY (): one row per batch whatever is selected, also when nothing is aggregated (`{ __typename }`, `pageInfo { hasPreviousPage }`) and for a batch without units.
  return `(SELECT ${objectText(pairs)} FROM (SELECT ${u}.*, row_number() OVER (ORDER BY ${u}."createdAt", ${u}."id") AS rn FROM "${models.Unit.table}" ${u} WHERE ${u}."batchId" = ${batch}."id"${filter}) ${u} GROUP BY ())`;
}

/** The selected parts of a Relay connection whose nodes are `alias` rows; null when one is not covered. */
function connectionParts(reader: SelectionReader, models: Models, connection: GraphQLObjectType, selected: SelectedField, alias: string): ConnectionPart[] | null {
  const fields = declaresScopes(connection) ? null : reader.fields(selected.nodes, connection);
  if (!fields) return null;
  const parts: ConnectionPart[] = [];
  for (const f of fields) {
    const field = connection.getFields()[f.name];
    if (field && declaresScopes(field)) return null;
    if (f.name === '__typename') parts.push({ key: f.key, kind: 'typename', typename: connection.name });
    else if (f.name === 'totalCount') parts.push({ key: f.key, kind: 'totalCount' });
    else if (f.name === 'pageInfo' && field) {
      const type = objectTypeOf(field)!;
      if (declaresScopes(field) || declaresScopes(type)) return null;
      const info: PageInfoPart[] = [];
      const selectedInfo = reader.fields(f.nodes, type);
      if (!selectedInfo) return null;
      for (const p of selectedInfo) {
        if (type.getFields()[p.name] && declaresScopes(type.getFields()[p.name]!)) return null;
        if (p.name === '__typename') info.push({ key: p.key, kind: 'typename', typename: type.name });
        else if (p.name === 'hasNextPage' || p.name === 'hasPreviousPage' || p.name === 'startCursor' || p.name === 'endCursor') info.push({ key: p.key, kind: p.name });
        else return null;
      }
      parts.push({ key: f.key, kind: 'pageInfo', parts: info });
    } else if (f.name === 'edges' && field) {
      const edgeType = objectTypeOf(field)!;
      if (declaresScopes(field) || declaresScopes(edgeType)) return null;
      const edgeFields = reader.fields(f.nodes, edgeType);
      if (!edgeFields) return null;
      const pairs: Array<[string, string]> = [];
      for (const e of edgeFields) {
        if (edgeType.getFields()[e.name] && declaresScopes(edgeType.getFields()[e.name]!)) return null;
        if (e.name === '__typename') pairs.push([e.key, stringText(edgeType.name)]);
        else if (e.name === 'cursor') pairs.push([e.key, `'"' || ${cursorOf(alias)} || '"'`]);
        else if (e.name === 'node') {
          const nodeType = objectTypeOf(edgeType.getFields().node!)!;
          const node = objectSql(reader, models, nodeType, alias, reader.fields(e.nodes, nodeType));
          if (!node) return null;
          pairs.push([e.key, node]);
        } else return null;
      }
      parts.push({ key: f.key, kind: 'edges', edge: objectText(pairs) });
    } else return null;
  }
  return parts;
}

/** The models as the request's Prisma client maps them, when every column the list and the units page read is the field of its name. */
function modelsOf(reader: SelectionReader): Models | null {
  const prisma = (reader.context as Partial<Context> | undefined)?.prisma;
  const models = { Batch: modelColumns(prisma, 'Batch'), WorkCenter: modelColumns(prisma, 'WorkCenter'), Unit: modelColumns(prisma, 'Unit') };
  if (!models.Batch || !models.WorkCenter || !models.Unit) return null;
  const plain = (m: ModelColumns, columns: Iterable<string>) => [...columns].every((c) => m.plain.has(c));
  if (!plain(models.Batch, BATCH_LIST_COLUMNS) || !plain(models.WorkCenter, ['id', 'identifier']) || !plain(models.Unit, ['id', 'batchId', 'createdAt', 'aggregated'])) return null;
  return models as Models;
}

/** The plan of a `batches` field's selection, or null when this path does not cover it. */
export function planBatchConnection(selected: SelectedField, reader: SelectionReader): BatchConnectionPlan | null {
  const field = reader.schema.getQueryType()?.getFields()[selected.name];
  const connection = field && objectTypeOf(field);
  const models = modelsOf(reader);
  if (!field || !connection || !models) return null;
  const args = reader.args(field, selected) as { last?: unknown; before?: unknown; after?: string | null; filter?: Parameters<typeof batchFilterOf>[0]; orderBy?: Parameters<typeof batchListOrder>[0] };
  if (args.last != null || args.before != null) return null;
  const filter = batchFilterOf(args.filter);
  const orderBy = batchListOrder(args.orderBy);
  // The rows SQL would choose must be Prisma's: refused here are the lists it leaves to Prisma.
  const keys = orderKeys(orderBy);
  if (!keys || batchWhereSql(filter, 'b', new SqlParams()) === null) return null;
  if (args.after != null) {
    const id = cursorId(args.after);
    if (id === null || cursorSql(keys, id, 'b', new SqlParams()) === null) return null;
  }
  const parts = connectionParts(reader, models, connection, selected, 'b');
  return parts && { filter, orderBy, parts };
}

/** The id in a Pothos cursor on `id`; null for anything else (Pothos refuses it itself). */
function cursorId(after: string): string | null {
  try {
    const id = parsePrismaCursor(after);
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/**
 * The `batches` connection as its GraphQL answer's JSON text, for a plan of planBatchConnection, in
 * one statement: `query` is Pothos' take/skip/cursor (take is the page size plus one, to tell
 * whether a next page exists), `after` the argument (hasPreviousPage, as Pothos' wrapConnectionResult).
 */
export async function readBatchConnection(
  prisma: PrismaClient,
  plan: BatchConnectionPlan,
  query: { take?: number; skip?: number; cursor?: { id?: string } },
  after: unknown,
): Promise<RawJson> {
  const { take, skip = 0, cursor } = query;
  if (take === undefined || !Number.isInteger(take) || take < 1 || !Number.isInteger(skip) || skip < 0) throw new Error(`batch page: unexpected page ${JSON.stringify(query)}`);
  const params = new SqlParams();
  const keys = orderKeys(plan.orderBy)!;
  const order = orderSql(keys, 'b');
  const where = batchWhereSql(plan.filter, 'b', params)!;
  const from = cursor ? cursorSql(keys, String(cursor.id), 'b', params) : 'true';
  if (from === null) throw new Error('batch page: a cursor the plan refuses');
  const inPage = `b.rn < ${take}`;
  const pairs = plan.parts.map((part): [string, string] => {
    if (part.kind === 'typename') return [part.key, stringText(part.typename)];
    if (part.kind === 'totalCount') return [part.key, `(SELECT count(*) FROM "Batch" b WHERE ${where})::text`];
    if (part.kind === 'edges') return [part.key, `'[' || coalesce((SELECT string_agg(${part.edge}, ',' ORDER BY b.rn) FROM page b WHERE ${inPage}), '') || ']'`];
    const info = part.parts.map((p): [string, string] => {
      if (p.kind === 'typename') return [p.key, stringText(p.typename)];
      if (p.kind === 'hasNextPage') return [p.key, `(SELECT ${booleanText(`count(*) = ${take}`)} FROM page)`];
      if (p.kind === 'hasPreviousPage') return [p.key, text(after != null ? 'true' : 'false')];
      const direction = p.kind === 'startCursor' ? '' : ' DESC';
      return [p.key, `coalesce((SELECT '"' || ${cursorOf('b')} || '"' FROM page b WHERE ${inPage} ORDER BY b.rn${direction} LIMIT 1), 'null')`];
    });
    return [part.key, objectText(info)];
  });
  const sql = `/* batches: prebuilt page */ WITH fetched AS (SELECT b.* FROM "Batch" b WHERE ${where} AND ${from} ORDER BY ${order} LIMIT ${take} OFFSET ${skip}),
    page AS (SELECT b.*, row_number() OVER (ORDER BY ${order}) AS rn FROM fetched b)
    SELECT ${objectText(pairs)} AS page`;
  const [row] = await prisma.$queryRawUnsafe<{ page: string }[]>(sql, ...params.values);
  return new RawJson(row!.page);
}
