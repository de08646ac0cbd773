import { formatPrismaCursor } from '@pothos/plugin-prisma';
import type { GraphQLField, GraphQLObjectType } from 'graphql';
import type { Prisma as PrismaClient } from '../../db/database.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { PAGE_SIZE } from '../../graphql/builder.js';
import { declaresScopes, isPlainField, objectTypeOf, type SelectedField, type SelectionReader } from '../../graphql/prebuilt-fields.js';

/**
 * The batch page answered whole by PostgreSQL (issue 17, see src/graphql/prebuilt-fields.ts); GraphQL
 * layer (it reads the selection and writes the answer, Relay cursors included), beside batch.schema.ts:
 * planBatchConnection turns the document's selection below `batches` into SQL that writes each
 * edge exactly as the GraphQL answer has it (response keys, __typename, cursors, a batch's work
 * center and its page of units with their count and pageInfo), and readBatchConnection runs it.
 * The page's ids and its count stay Prisma's (the list's where and order, Pothos' cursor and take),
 * and the connection object around the edges is put together here, as Pothos would.
 *
 * A selection with anything else (a field with its own resolver such as aggregatedUnitCount, a
 * relation below units, paging units backwards or after a cursor, auth scopes on a field) is not
 * planned: graphql-js and the Prisma read path answer it.
 */

/** The plan of a `batches` selection: the connection's response keys and the SQL of its edges. */
export interface BatchConnectionPlan {
  parts: ConnectionPart[];
  /** A statement over `page(id, ord)` of the page's batch ids giving one JSON object, each edges response key to its edges; null when no edges are selected. */
  edgesSql: string | null;
}

type PageInfoPart = { key: string; kind: 'hasNextPage' | 'hasPreviousPage' | 'startCursor' | 'endCursor' } | { key: string; kind: 'typename'; typename: string };
type ConnectionPart =
  | { key: string; kind: 'typename'; typename: string }
  | { key: string; kind: 'totalCount' }
  | { key: string; kind: 'pageInfo'; parts: PageInfoPart[] }
  | { key: string; kind: 'edges'; edge: string };

/** json_build_object takes at most 100 arguments: 50 keys. */
const MAX_KEYS = 50;
/** Response keys and type names are GraphQL names ([_A-Za-z][_0-9A-Za-z]*): safe inside a SQL string literal. */
const literal = (name: string) => `'${name}'`;
const jsonObject = (pairs: string[]) => (pairs.length > MAX_KEYS ? null : `json_build_object(${pairs.join(', ')})`);

/** A Pothos Prisma cursor on `id` (`GPC:S:<id>`, base64), as formatPrismaCursor writes it. */
const cursorSql = (alias: string) => `replace(encode(convert_to('GPC:S:' || ${alias}."id", 'UTF8'), 'base64'), chr(10), '')`;

/** A column as the field's scalar serializes it; null for a scalar this path does not write. */
function columnSql(field: GraphQLField<unknown, unknown>, alias: string): string | null {
  const column = `${alias}."${(field.extensions as { pothosExposedField: string }).pothosExposedField}"`;
  switch (objectTypeOf(field) ? null : (field.type.toString().replace(/!$/, ''))) {
    case 'ID':
    case 'String':
    case 'Int':
    case 'Boolean':
      return column;
    case 'DateTime': // Date.prototype.toISOString of a timestamptz(3)
      return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    case 'Date': // a date column, YYYY-MM-DD
      return `to_char(${column}, 'YYYY-MM-DD')`;
    default:
      return null;
  }
}

/** json_build_object of the selected fields of a Batch, WorkCenter or Unit row `alias`; null when one is not covered. */
function objectSql(reader: SelectionReader, type: GraphQLObjectType, alias: string, fields: SelectedField[] | null): string | null {
  if (!fields || declaresScopes(type)) return null;
  const pairs: string[] = [];
  for (const selected of fields) {
    if (selected.name === '__typename') {
      pairs.push(`${literal(selected.key)}, ${literal(type.name)}`);
      continue;
    }
    const field = type.getFields()[selected.name];
    if (!field) return null;
    let value: string | null = null;
    if (isPlainField(type, field)) value = columnSql(field, alias);
    else if (type.name === 'Batch' && selected.name === 'workCenter' && isUnscoped(type, field)) value = workCenterSql(reader, field, alias, selected);
    else if (type.name === 'Batch' && selected.name === 'units' && isUnscoped(type, field)) value = unitsSql(reader, field, alias, selected);
    if (value === null) return null;
    pairs.push(`${literal(selected.key)}, ${value}`);
  }
  return jsonObject(pairs);
}

/** A relation field (not exposed, so not a plain field) without auth scopes of its own or of its type. */
function isUnscoped(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): boolean {
  return !declaresScopes(field) && !declaresScopes(type);
}

function workCenterSql(reader: SelectionReader, field: GraphQLField<unknown, unknown>, batch: string, selected: SelectedField): string | null {
  const type = objectTypeOf(field);
  if (!type) return null;
  const w = 'w'; // nothing below a work center is covered, so one alias serves every level
  const object = objectSql(reader, type, w, reader.fields(selected.nodes, type));
  return object && `(SELECT ${object} FROM "WorkCenter" ${w} WHERE ${w}."id" = ${batch}."workCenterId")`;
}

/** Batch.units(first, aggregated): its page, oldest first, with the count and pageInfo Pothos gives it, in one pass over the batch's units. */
function unitsSql(reader: SelectionReader, field: GraphQLField<unknown, unknown>, batch: string, selected: SelectedField): string | null {
  const args = reader.args(field, selected) as { first?: number | null; after?: unknown; last?: unknown; before?: unknown; aggregated?: boolean | null };
  if (args.after != null || args.last != null || args.before != null) return null;
  const first = args.first == null ? PAGE_SIZE.default : Math.min(args.first, PAGE_SIZE.max);
  if (!Number.isInteger(first) || first < 0) return null;
  if (args.aggregated != null && typeof args.aggregated !== 'boolean') return null;
  const connection = objectTypeOf(field);
  if (!connection) return null;
  const u = 'u'; // nothing below a unit is covered
  const parts = connectionParts(reader, connection, selected, u);
  if (!parts) return null;
  const cursor = cursorSql(u);
  const inPage = `FILTER (WHERE ${u}.rn <= ${first})`;
  const pairs: string[] = [];
  for (const part of parts) {
    if (part.kind === 'typename') pairs.push(`${literal(part.key)}, ${literal(part.typename)}`);
    else if (part.kind === 'totalCount') pairs.push(`${literal(part.key)}, count(*)::int`);
    else if (part.kind === 'edges') pairs.push(`${literal(part.key)}, coalesce(json_agg(${part.edge} ORDER BY ${u}.rn) ${inPage}, '[]'::json)`);
    else {
      const info = jsonObject(
        part.parts.map((p) => {
          const value = {
            typename: () => literal((p as { typename: string }).typename),
            hasNextPage: () => `count(*) > ${first}`,
            hasPreviousPage: () => 'false',
            startCursor: () => `(array_agg(${cursor} ORDER BY ${u}.rn) ${inPage})[1]`,
            endCursor: () => `(array_agg(${cursor} ORDER BY ${u}.rn DESC) ${inPage})[1]`,
          }[p.kind]();
          return `${literal(p.key)}, ${value}`;
        }),
      );
      if (!info) return null;
      pairs.push(`${literal(part.key)}, ${info}`);
    }
  }
  const object = jsonObject(pairs);
  if (!object) return null;
  const filter = args.aggregated == null ? '' : ` AND ${u}."aggregated" = ${args.aggregated ? 'true' : 'false'}`;
  // GROUP BY (): one row per batch whatever is selected, also when nothing is aggregated (`{ __typename }`, `pageInfo { hasPreviousPage }`) and for a batch without units.
  return `(SELECT ${object} FROM (SELECT ${u}.*, row_number() OVER (ORDER BY ${u}."createdAt", ${u}."id") AS rn FROM "Unit" ${u} WHERE ${u}."batchId" = ${batch}."id"${filter}) ${u} GROUP BY ())`;
}

/** The selected parts of a Relay connection whose nodes are `alias` rows; null when one is not covered. */
function connectionParts(reader: SelectionReader, connection: GraphQLObjectType, selected: SelectedField, alias: string): ConnectionPart[] | null {
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
      const pairs: string[] = [];
      for (const e of edgeFields) {
        if (edgeType.getFields()[e.name] && declaresScopes(edgeType.getFields()[e.name]!)) return null;
        if (e.name === '__typename') pairs.push(`${literal(e.key)}, ${literal(edgeType.name)}`);
        else if (e.name === 'cursor') pairs.push(`${literal(e.key)}, ${cursorSql(alias)}`);
        else if (e.name === 'node') {
          const nodeType = objectTypeOf(edgeType.getFields().node!)!;
          const node = objectSql(reader, nodeType, alias, reader.fields(e.nodes, nodeType));
          if (!node) return null;
          pairs.push(`${literal(e.key)}, ${node}`);
        } else return null;
      }
      const edge = jsonObject(pairs);
      if (!edge) return null;
      parts.push({ key: f.key, kind: 'edges', edge });
    } else return null;
  }
  return parts;
}

/** The plan of a `batches` field's selection, or null when this path does not cover it. */
export function planBatchConnection(selected: SelectedField, reader: SelectionReader): BatchConnectionPlan | null {
  const field = reader.schema.getQueryType()?.getFields()[selected.name];
  const connection = field && objectTypeOf(field);
  if (!field || !connection) return null;
  const args = reader.args(field, selected);
  if (args.last != null || args.before != null) return null;
  const parts = connectionParts(reader, connection, selected, 'b');
  if (!parts) return null;
  const edges = parts.filter((p): p is Extract<ConnectionPart, { kind: 'edges' }> => p.kind === 'edges');
  if (edges.length === 0) return { parts, edgesSql: null };
  const object = jsonObject(edges.map((e) => `${literal(e.key)}, coalesce(json_agg(${e.edge} ORDER BY page.ord), '[]'::json)`));
  if (!object) return null;
  const edgesSql = `/* batches: prebuilt page */ SELECT ${object}::text AS page FROM unnest($1::uuid[]) WITH ORDINALITY AS page(id, ord) JOIN "Batch" b ON b."id" = page.id`;
  return { parts, edgesSql };
}

/**
 * The `batches` connection as its GraphQL answer, for a plan of planBatchConnection: the page's ids
 * from Prisma (`query` is Pothos' take/skip/cursor), its edges in one statement, its count when
 * selected, pageInfo as Pothos' wrapConnectionResult computes it.
 */
export async function readBatchConnection(
  prisma: PrismaClient,
  plan: BatchConnectionPlan,
  query: { take?: number; skip?: number; cursor?: Prisma.BatchWhereUniqueInput },
  list: { where: Prisma.BatchWhereInput; orderBy: Prisma.BatchOrderByWithRelationInput[] },
  after: unknown,
): Promise<Record<string, unknown>> {
  const { take, skip, cursor } = query;
  const counted = plan.parts.some((p) => p.kind === 'totalCount');
  const [ids, totalCount] = await Promise.all([
    prisma.batch.findMany({ where: list.where, orderBy: list.orderBy, take, skip, cursor, select: { id: true } }),
    counted ? prisma.batch.count({ where: list.where }) : undefined,
  ]);
  const full = take !== undefined && ids.length === Math.abs(take);
  const page = full ? ids.slice(0, -1) : ids;
  let edges: Record<string, unknown> = {};
  if (plan.edgesSql && page.length > 0) {
    const [row] = await prisma.$queryRawUnsafe<{ page: string }[]>(plan.edgesSql, page.map((r) => r.id));
    edges = JSON.parse(row!.page) as Record<string, unknown>;
  }
  const cursorOf = (row: { id: string } | undefined) => (row ? formatPrismaCursor(row, 'id') : null);
  const answer: Record<string, unknown> = {};
  for (const part of plan.parts) {
    if (part.kind === 'typename') answer[part.key] = part.typename;
    else if (part.kind === 'totalCount') answer[part.key] = totalCount;
    else if (part.kind === 'edges') answer[part.key] = edges[part.key] ?? [];
    else {
      const info: Record<string, unknown> = {};
      for (const p of part.parts) {
        if (p.kind === 'typename') info[p.key] = p.typename;
        else if (p.kind === 'hasNextPage') info[p.key] = full;
        else if (p.kind === 'hasPreviousPage') info[p.key] = after != null;
        else if (p.kind === 'startCursor') info[p.key] = cursorOf(page[0]);
        else info[p.key] = cursorOf(page[page.length - 1]);
      }
      answer[part.key] = info;
    }
  }
  return answer;
}
