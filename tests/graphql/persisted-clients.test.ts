/**
 * The service's own clients send persisted documents: each request carries the hash of a manifest
 * document and no document, so they keep working on a service with PERSISTED_OPERATIONS=only
 * (the client examples run against one in tests/client-examples/examples.test.ts).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, cacheExchange, fetchExchange } from '@urql/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/cli/api-client.js';
import { HEALTH, REPORT } from '../../src/cli/operations.js';
import { dashboardPersistedExchange } from '../../dashboard/src/persisted.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
let viewer: string;
beforeAll(async () => {
  app = await startTestApp({ PERSISTED_OPERATIONS: 'only' });
  viewer = await app.tokenFor('VIEWER');
});
afterAll(async () => {
  await app.close();
});

/** A fetch that records every GraphQL body it sends. */
function recordingFetch() {
  const bodies: Record<string, any>[] = [];
  const realFetch = globalThis.fetch;
  const fetchImpl: typeof fetch = async (input, init) => {
    if (typeof init?.body === 'string') bodies.push(JSON.parse(init.body));
    return realFetch(input, init);
  };
  return { bodies, fetchImpl };
}

const manifest = JSON.parse(readFileSync(new URL('../../src/graphql/persisted-operations.json', import.meta.url), 'utf8')) as Record<string, string>;
const sentAsHash = (body: Record<string, any>) => body.query === undefined && /^[0-9a-f]{64}$/.test(body.extensions?.persistedQuery?.sha256Hash ?? '');

describe('the dashboard (urql)', () => {
  it('sends queries and mutations as hashes, which a manifest-only service runs', async () => {
    // By path: the root tsconfig does not type-check the dashboard's pages (JSX) its types come from.
    const { BATCHES, CLOSE, STATS } = await import(new URL('../../dashboard/src/operations.ts', import.meta.url).href);
    const { bodies, fetchImpl } = recordingFetch();
    const client = new Client({
      url: `${app.url}/graphql`,
      fetch: fetchImpl,
      fetchOptions: { headers: { authorization: `Bearer ${viewer}` } },
      // As in dashboard/src/client.ts: the document cache adds __typename to queries and mutations before hashing.
      exchanges: [cacheExchange, dashboardPersistedExchange(), fetchExchange],
    });
    const stats = await client.query(STATS, {}).toPromise();
    expect(stats.error).toBeUndefined();
    expect(stats.data?.dashboardStats.batchesTotal).toBe(0);
    const batches = await client.query(BATCHES, { filter: {}, first: 5, after: null }).toPromise();
    expect(batches.error).toBeUndefined();
    // A VIEWER may not close a batch: the refusal is the schema's, not the persisted-only policy's.
    const close = await client.mutation(CLOSE, { id: '00000000-0000-0000-0000-000000000000' }).toPromise();
    expect(close.error?.graphQLErrors.map((e) => e.extensions?.code)).not.toContain('PERSISTED_QUERY_ONLY');
    expect(bodies).toHaveLength(3);
    for (const body of bodies) expect(sentAsHash(body), JSON.stringify(body)).toBe(true);
  });
});

describe('the dashboard sign-in', () => {
  it("checks the token with a hash too, which a manifest-only service runs", async () => {
    const { bodies, fetchImpl } = recordingFetch();
    const original = globalThis.fetch;
    // The page asks its own origin (a relative URL): here, the test app.
    globalThis.fetch = (input, init) => fetchImpl(new URL(String(input), app.url), init);
    try {
      const { checkToken } = await import(new URL('../../dashboard/src/auth.ts', import.meta.url).href);
      expect(await checkToken(viewer)).toEqual({ viewer: { name: 'test VIEWER', role: 'VIEWER' } });
    } finally {
      globalThis.fetch = original;
    }
    expect(bodies).toHaveLength(1);
    expect(sentAsHash(bodies[0]!), JSON.stringify(bodies[0])).toBe(true);
  });
});

describe('the CLI', () => {
  it('sends its operations as hashes, which a manifest-only service runs', async () => {
    const { bodies, fetchImpl } = recordingFetch();
    const original = globalThis.fetch;
    globalThis.fetch = fetchImpl;
    try {
      const api = createApiClient({ url: app.url, token: viewer });
      const health = await api.request<{ syncHealth: { status: string } }>(HEALTH);
      expect(health.syncHealth.status).toBeTypeOf('string');
      const report = await api.request<{ syncReport: { days: number } }>(REPORT, { days: 7 });
      expect(report.syncReport.days).toBe(7);
      await api.close();
    } finally {
      globalThis.fetch = original;
    }
    expect(bodies).toHaveLength(2);
    for (const body of bodies) expect(sentAsHash(body), JSON.stringify(body)).toBe(true);
  });
});

describe('the client examples', () => {
  const ROOT = join(import.meta.dirname, '..', '..');
  /** Runs an example with every fetch body and WebSocket message it sends recorded (tests/helpers/record-requests.ts). */
  async function runRecorded(file: string, env: Record<string, string>) {
    const dir = await mkdtemp(join(tmpdir(), 'stockline-pq-'));
    const record = join(dir, 'sent.jsonl');
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './tests/helpers/record-requests.ts', join('client-examples', file)], {
      cwd: ROOT,
      env: { ...process.env, RECORD_REQUESTS_TO: record, SYNC_TIMEOUT_MS: '30000', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const sent = (await readFile(record, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>);
    await rm(dir, { recursive: true, force: true });
    return { code, output, sent };
  }

  it.each(['sync-progress-urql.ts', 'sync-progress-apollo.ts', 'sync-progress-graphql-ws.ts'])('%s sends hashes over HTTP and WebSocket and follows a sync on a manifest-only service', async (file) => {
    const sim = await startFastSimulator('STOREFRONT', { offers: 100 });
    try {
      const { createAccount } = dataOf(
        await app.gql(`mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } } }`, {
          input: { channel: 'STOREFRONT', name: `pq ${file}`, baseUrl: sim.url, credentials: { token: sim.credentials.token }, rateLimits: sim.rateLimits },
        }),
      );
      const operator = await app.tokenFor('OPERATOR');
      const run = await runRecorded(file, { STOCKLINE_URL: `${app.url}/graphql`, STOCKLINE_TOKEN: operator, STOCKLINE_ACCOUNT: createAccount.account.id });
      expect(run.code, run.output).toBe(0);
      // GraphQL requests over HTTP, and graphql-ws `subscribe` messages' payloads: the subscription and the mutation at least.
      const http = run.sent.filter((message) => message.type === undefined);
      const socket = run.sent.filter((message) => message.type === 'subscribe').map((message) => message.payload);
      expect(http.length + socket.length, run.output).toBeGreaterThanOrEqual(2);
      for (const body of http) expect(sentAsHash(body), JSON.stringify(body)).toBe(true);
      // Apollo's GraphQLWsLink always sends the document (one of the manifest's); the others the hash alone (`query: ''`).
      for (const payload of socket) {
        if (file === 'sync-progress-apollo.ts') expect(Object.values(manifest), JSON.stringify(payload)).toContain(payload.query);
        else expect(payload, JSON.stringify(payload)).toMatchObject({ query: '', extensions: { persistedQuery: { sha256Hash: expect.stringMatching(/^[0-9a-f]{64}$/) } } });
      }
    } finally {
      await sim.stop();
    }
  });
});
