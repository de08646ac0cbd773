import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { disposeWsClients, openWsClient } from '../helpers/ws-client.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const manifest = JSON.parse(readFileSync(new URL('../../src/graphql/persisted-operations.json', import.meta.url), 'utf8')) as Record<string, string>;
/** A manifest entry by operation name (the dashboard's batch page is in every build). */
function manifestEntry(pattern: RegExp): [string, string] {
  const entry = Object.entries(manifest).find(([, document]) => pattern.test(document));
  if (!entry) throw new Error(`no manifest document matches ${pattern}`);
  return entry;
}

/** POSTs GraphQL params as a client would, hash and/or document. */
async function post(app: TestApp, body: Record<string, unknown>, token: string | null = app.adminToken) {
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, ...((await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] }) };
}
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

describe('persisted operations, default mode (allow)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('runs a manifest operation sent as its hash alone', async () => {
    const [hash] = manifestEntry(/query DashboardBatches\b/);
    const result = await post(app, { variables: { first: 5 }, extensions: persisted(hash) });
    expect(result.errors).toBeUndefined();
    expect(result.data.batches.edges).toEqual([]);
  });

  it('answers an unknown hash with PERSISTED_QUERY_NOT_FOUND (what APQ clients wait for)', async () => {
    const result = await post(app, { extensions: persisted(sha256('{ __typename }  # unknown')) });
    expect(result.errors?.[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
  });

  it('registers an automatic persisted query: hash first, then hash and document, then the hash alone', async () => {
    const query = 'query ApqRoundTrip { workCenters(first: 1) { totalCount } }';
    const hash = sha256(query);
    const first = await post(app, { extensions: persisted(hash) });
    expect(first.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const register = await post(app, { query, extensions: persisted(hash) });
    expect(register.errors).toBeUndefined();
    expect(register.data).toEqual({ workCenters: { totalCount: 0 } });
    const again = await post(app, { extensions: persisted(hash) });
    expect(again.errors).toBeUndefined();
    expect(again.data).toEqual({ workCenters: { totalCount: 0 } });
  });

  it('refuses a document whose hash is not its own, and registers nothing', async () => {
    const hash = sha256('query Other { __typename }');
    const result = await post(app, { query: '{ __typename }', extensions: persisted(hash) });
    expect(result.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
    const after = await post(app, { extensions: persisted(hash) });
    expect(after.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('still runs arbitrary documents', async () => {
    const viewer = await app.tokenFor('VIEWER');
    const result = await post(app, { query: '{ workCenters(first: 1) { totalCount } }' }, viewer);
    expect(result.data).toEqual({ workCenters: { totalCount: 0 } });
  });
});

describe('persisted operations, PERSISTED_OPERATIONS=only', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ PERSISTED_OPERATIONS: 'only' });
  });
  afterAll(async () => {
    await disposeWsClients();
    await app.close();
  });

  it('refuses an arbitrary document from a non-admin token with a typed error, and changes nothing', async () => {
    const operator = await app.tokenFor('OPERATOR');
    const result = await post(app, { query: 'mutation { createWorkCenter(input: { identifier: "WC-PQ", name: "x" }) { workCenter { id } } }' }, operator);
    expect(result.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    expect(result.data ?? null).toBeNull();
    const count = await post(app, { query: '{ workCenters(first: 1) { totalCount } }' });
    expect(count.data).toEqual({ workCenters: { totalCount: 0 } });
  });

  it('accepts the manifest, as a hash alone', async () => {
    const viewer = await app.tokenFor('VIEWER');
    const [hash] = manifestEntry(/query DashboardBatches\b/);
    const result = await post(app, { variables: { first: 5 }, extensions: persisted(hash) }, viewer);
    expect(result.errors).toBeUndefined();
    expect(result.data.batches.edges).toEqual([]);
  });

  it('registers no automatic persisted query', async () => {
    const viewer = await app.tokenFor('VIEWER');
    const query = '{ workCenters(first: 2) { totalCount } }';
    const register = await post(app, { query, extensions: persisted(sha256(query)) }, viewer);
    expect(register.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    const again = await post(app, { extensions: persisted(sha256(query)) }, viewer);
    expect(again.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('lets an ADMIN token (GraphiQL) send any document, and anyone introspect', async () => {
    const admin = await post(app, { query: '{ workCenters(first: 1) { totalCount } }' });
    expect(admin.data).toEqual({ workCenters: { totalCount: 0 } });
    const introspection = await post(app, { query: '{ __schema { queryType { name } } }' }, null);
    expect(introspection.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('over WebSocket: runs a manifest hash and refuses an arbitrary document', async () => {
    const viewer = await app.tokenFor('VIEWER');
    const client = openWsClient(app.url, viewer);
    const [hash] = manifestEntry(/query DashboardBatches\b/);
    const results: unknown[] = [];
    for await (const result of client.iterate({ query: '', variables: { first: 5 }, extensions: persisted(hash) })) results.push(result);
    expect(results).toEqual([{ data: { batches: expect.objectContaining({ edges: [] }) } }]);
    const refused = await (async () => {
      try {
        for await (const result of client.iterate({ query: '{ workCenters(first: 1) { totalCount } }' })) return result;
      } catch (errors) {
        return errors;
      }
    })();
    expect(JSON.stringify(refused)).toContain('PERSISTED_QUERY_ONLY');
  });
});

describe('automatic persisted queries with REDIS_URL', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    // Two instances of one deployment: one Redis namespace (their databases differ here, so it is set).
    const redis = { REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: `stockline-test:${randomUUID()}` };
    first = await startTestApp(redis);
    second = await startTestApp(redis);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('are shared by every instance: registered on one, run by hash on another', async () => {
    // A new document each run, so an earlier run's registration cannot make it pass.
    const query = `query SharedApq { run_${randomUUID().replace(/-/g, '')}: __typename }`;
    const hash = sha256(query);
    expect((await post(second, { extensions: persisted(hash) })).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post(first, { query, extensions: persisted(hash) })).errors).toBeUndefined();
    const again = await post(second, { extensions: persisted(hash) });
    expect(again.errors).toBeUndefined();
    expect(Object.values(again.data)).toEqual(['Query']);
  });
});
