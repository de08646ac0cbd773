/**
 * Property-based fuzzing of the whole API (issue 12): the schema is introspected and every mutation
 * and every query that takes arguments gets hostile values (tests/fuzz/values.ts) as an ADMIN, so
 * authorization never short-circuits. For every case: no INTERNAL_SERVER_ERROR anywhere in the
 * answer, no HTTP 5xx, nothing leaks into Object.prototype, and a refusal (top-level errors or a
 * payload with errors) changes no table (queries may write caches, such as statistics snapshots). The service must still answer afterwards.
 * Fixed seed (FUZZ_SEED to search elsewhere), bounded runs (FUZZ_RUNS, default 6 per field on PostgreSQL and 3 on PGlite).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { backend, dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { batchInput, createBatch, createWorkCenter, mutate } from '../helpers/production.js';
import { valueOf } from './values.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const RUNS = Number(process.env.FUZZ_RUNS ?? (backend === 'postgres' ? 6 : 3));

let t: TestApp;
let schema: GraphQLSchema;
const existingIds: string[] = [];

/** Every table's rows (ApiToken.lastUsedAt aside: authenticating a request writes it) as one digest. */
let digestSql = '';
async function databaseDigest(): Promise<string> {
  const prisma = t.app.services.prisma;
  if (!digestSql) {
    const tables = await prisma.$queryRawUnsafe<{ name: string }[]>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_%' ORDER BY 1`,
    );
    digestSql = tables
      .map(({ name }) => `SELECT '${name}' AS t, md5(coalesce(string_agg((to_jsonb(r) - 'lastUsedAt')::text, '|' ORDER BY (to_jsonb(r) - 'lastUsedAt')::text), '')) AS h FROM "${name}" r`)
      .join(' UNION ALL ');
    digestSql = `SELECT string_agg(t || ':' || h, ',' ORDER BY t) AS digest FROM (${digestSql}) x`;
  }
  return (await prisma.$queryRawUnsafe<{ digest: string }[]>(digestSql))[0]!.digest;
}

/** A selection of every field reachable within `depth` levels that needs no argument. */
function selectionOf(type: GraphQLOutputType, depth: number): string | null {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (depth <= 0) return null;
  if (isUnionType(named)) return '{ __typename }';
  if (!isObjectType(named) && !isInterfaceType(named)) return null;
  const parts: string[] = [];
  for (const field of Object.values(named.getFields())) {
    if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const sub = selectionOf(field.type, depth - 1);
    if (sub !== null) parts.push(sub ? `${field.name} ${sub}` : field.name);
  }
  return parts.length ? `{ ${parts.join(' ')} }` : null;
}

function operationOf(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>) {
  const defs = field.args.map((a, i) => `$a${i}: ${String(a.type)}`);
  const call = field.args.map((a, i) => `${a.name}: $a${i}`);
  const selection = selectionOf(field.type, 3) ?? '';
  return `${kind}${defs.length ? `(${defs.join(', ')})` : ''} { ${field.name}${call.length ? `(${call.join(', ')})` : ''} ${selection} }`;
}

interface Answer {
  status: number;
  text: string;
  body: { data?: Record<string, unknown> | null; errors?: unknown[] } | null;
}

async function send(query: string, variables: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body: Answer['body'] = null;
  try {
    body = JSON.parse(text);
  } catch {
    // A non-JSON answer (a 413 from the body limit, say) is judged by its status alone.
  }
  return { status: res.status, text, body };
}

/** Refused: top-level errors, or a payload whose `errors` list is not empty. */
const refused = (answer: Answer, field: string) => {
  if (!answer.body || (answer.body.errors?.length ?? 0) > 0 || answer.status >= 400) return true;
  const payload = answer.body.data?.[field] as { errors?: unknown[] } | null | undefined;
  return Array.isArray(payload?.errors) && payload.errors.length > 0;
};

const brief = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
};

/** Runs the property for one root field; returns every violation seen (not only the first) to report them all. */
async function fuzzField(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>) {
  const query = operationOf(kind, field);
  const args = fc.record(Object.fromEntries(field.args.map((a, i) => [`a${i}`, valueOf(a.type, existingIds)])));
  const violations = new Set<string>();
  await fc.assert(
    fc.asyncProperty(args, async (variables) => {
      const before = await databaseDigest();
      const logged = t.logs.length;
      const answer = await send(query, variables);
      const problems: string[] = [];
      if (answer.status >= 500) problems.push(`HTTP ${answer.status}`);
      if (answer.text.includes('INTERNAL_SERVER_ERROR')) problems.push('INTERNAL_SERVER_ERROR');
      if ('polluted' in Object.prototype) problems.push('Object.prototype polluted');
      if (refused(answer, field.name) && (await databaseDigest()) !== before) problems.push('a refusal changed the database');
      if (problems.length) {
        // The cause, as the server logged it, makes the report actionable.
        const cause = t.logs.slice(logged).find((line) => line.includes('"level":50'));
        violations.add(`${problems.join(', ')} — variables ${brief(variables)} — answer ${brief(answer.body ?? answer.text)}${cause ? ` — logged ${brief(JSON.parse(cause).err?.message ?? cause)}` : ''}`);
      }
      return true;
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  return [...violations];
}

beforeAll(async () => {
  // An api instance: no worker changes a table behind the digest. Limits high enough for full selections.
  t = await startTestApp({ ROLE: 'api', GRAPHQL_MAX_COMPLEXITY: '100000000', GRAPHQL_MAX_DEPTH: '50', GRAPHQL_INTROSPECTION: 'true', API_RATE_LIMIT_PER_MINUTE: '1000000' });
  schema = buildClientSchema(dataOf(await t.gql(getIntrospectionQuery())));
  // Rows for the ids to point at: a work center, an open and a closed batch with units, a custom schedule.
  const wc = await createWorkCenter(t, 'WC-FUZZ');
  const open = (await createBatch(t, batchInput(wc.id))).batch;
  const closed = (await createBatch(t, batchInput(wc.id, { closed: true }))).batch;
  const unit = await mutate(t, 'addUnitToBatch', 'AddUnitToBatchInput', { batchId: open.id, code: 'FUZZ-1' }, 'unit { id }');
  const schedule = await t.app.services.prisma.schedule.create({ data: { key: 'custom:fuzz', kind: 'STATS_REFRESH', intervalSeconds: 600 } });
  existingIds.push(wc.id, open.id, closed.id, unit.unit.id, schedule.id);
});
afterAll(() => t?.close());

describe('fuzzing every mutation and every query argument', () => {
  it('introspects a schema with mutations and queries to fuzz', () => {
    expect(Object.keys(schema.getMutationType()!.getFields()).length).toBeGreaterThan(30);
  });

  for (const kind of ['mutation', 'query'] as const) {
    it(`every ${kind} survives hostile arguments`, { timeout: 600_000 }, async () => {
      const root = kind === 'mutation' ? schema.getMutationType()! : schema.getQueryType()!;
      const fields = Object.values(root.getFields()).filter((f) => kind === 'mutation' || f.args.length > 0);
      const found: Record<string, string[]> = {};
      for (const field of fields) {
        const violations = await fuzzField(kind, field);
        if (violations.length) found[field.name] = violations;
      }
      // Still serving, and still answering correctly.
      expect(dataOf(await t.gql('{ __typename }'))).toEqual({ __typename: 'Query' });
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
      expect(found).toEqual({});
    });
  }
});
