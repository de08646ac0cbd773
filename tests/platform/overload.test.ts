// Issue 12, finding 8: under overload the service sheds fast (503 + Retry-After, counted in
// /metrics) instead of serving requests after their clients gave up, keeps /healthz and sync
// triggers answering, and shares its slots fairly between clients and request kinds.
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmission, Shed } from '../../src/http/admission.js';
import { parse } from 'graphql';
import { isPriorityOperation } from '../../src/http/admission.plugin.js';
import { backend, createScratchDatabase, startTestApp, type TestApp } from '../helpers/app.js';
import { seedAccount } from '../helpers/catalog-seed.js';
import { scrapeMetrics } from '../helpers/metrics.js';

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Holds the database so requests that reach it stay in flight until `release()`. */
async function blockDatabase(t: TestApp): Promise<() => Promise<void>> {
  if (backend === 'postgres') {
    // A lock on the batch table: batch queries wait, token lookups and sync triggers do not.
    const client = new pg.Client({ connectionString: scratch!.url });
    await client.connect();
    await client.query('BEGIN');
    await client.query('LOCK TABLE "Batch" IN ACCESS EXCLUSIVE MODE');
    return async () => {
      await client.query('ROLLBACK');
      await client.end();
    };
  }
  // PGlite runs one statement at a time: an open transaction holds every other query.
  let release!: () => void;
  let started!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const inside = new Promise<void>((r) => (started = r));
  const tx = t.app.services.prisma.$transaction(
    async () => {
      started();
      await held;
    },
    { timeout: 60_000, maxWait: 60_000 },
  );
  await inside;
  return async () => {
    release();
    await tx;
  };
}

let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;

describe('overload: admission control of GraphQL requests', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Its own PostgreSQL database, so the test can lock a table of it from another connection.
    if (backend === 'postgres') scratch = await createScratchDatabase();
    t = await startTestApp(scratch ? { DATABASE_URL: scratch.url } : {}, { admission: { concurrency: 1, reserve: 1, queueTimeoutMs: 300, retryAfterSeconds: 1 } });
  });
  afterAll(async () => {
    await t?.close();
    await scratch?.drop();
  });

  it('sheds a request that waited past the queue timeout with 503 + Retry-After, counted in /metrics, while /healthz and a sync trigger are answered', async () => {
    const account = await seedAccount(t, 'overload account', 'STOREFRONT');
    const release = await blockDatabase(t);
    let released = false;
    try {
      // Holds the only slot: its query waits for the database.
      const slow = t.gql(`{ batches(first: 1) { totalCount } }`);
      await until(() => t.app.services.admission?.active === 1, 'the slow request to hold the slot');

      const started = Date.now();
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}` },
        body: JSON.stringify({ query: '{ workCenters(first: 1) { totalCount } }' }),
        signal: AbortSignal.timeout(5000),
      });
      const body = (await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      // Shed after its queue wait, not after the slow request's work.
      expect(Date.now() - started).toBeLessThan(5000);

      // Liveness never waits for a slot or the database.
      const health = await fetch(`${t.url}/healthz`);
      expect(health.status).toBe(200);

      // An OPERATOR's sync trigger goes before the queue, into the reserved slot, once its token is verified
      // (on PGlite the held transaction holds that lookup too: it is admitted after the release).
      const priorities: boolean[] = [];
      const admission = t.app.services.admission!;
      const admit = admission.admit.bind(admission);
      admission.admit = (res, key, priority) => (priorities.push(priority ?? false), admit(res, key, priority));
      const trigger = t.gql(`mutation($ids: [ID!]) { triggerSync(input: { accountIds: $ids }) { runs { id } errors { __typename } } }`, { ids: [account.id] });
      if (backend === 'postgres') await until(() => admission.active === 2, 'the sync trigger to be admitted');

      await release();
      released = true;
      const triggered = await trigger;
      expect(triggered.status).toBe(200);
      expect(triggered.errors).toBeUndefined();
      expect(triggered.data.triggerSync.runs).toHaveLength(1);
      admission.admit = admit;
      expect(priorities).toEqual([true]);
      const done = await slow;
      expect(done.status).toBe(200);
      expect(done.data.batches.totalCount).toBe(0);
    } finally {
      if (!released) await release();
    }
    await until(() => t.app.services.admission?.active === 0, 'every slot to be released');
    const metrics = await scrapeMetrics(t.url);
    expect(metrics.value('stockline_http_requests_shed_total', { reason: 'queue_timeout' })).toBe(1);
    expect(metrics.has('stockline_http_admission_queued')).toBe(true);
  });

  it('keys the queue by client address only, and gives no priority to an anonymous sync trigger', async () => {
    const admission = t.app.services.admission!;
    const keys: string[] = [];
    const admit = admission.admit.bind(admission);
    admission.admit = (res, key, priority) => {
      keys.push(key);
      return admit(res, key, priority);
    };
    const account = await seedAccount(t, 'anonymous trigger account', 'STOREFRONT');
    const release = await blockDatabase(t);
    let released = false;
    try {
      const slow = t.gql(`query Slow { batches(first: 1) { totalCount } }`);
      await until(() => admission.active === 1, 'the slow request to hold the slot');
      // Anonymous: waits in the queue like anything else (shed past the timeout), not in the reserved slot.
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation Anon($ids: [ID!]) { triggerSync(input: { accountIds: $ids }) { runs { id } } }', variables: { ids: [account.id] } }),
      });
      expect(res.status).toBe(503);
      await release();
      released = true;
      expect((await slow).status).toBe(200);
    } finally {
      admission.admit = admit;
      if (!released) await release();
    }
    // Other operation names and tokens from the same address share one key.
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/127\.0\.0\.1/);
  });
});

describe('overload: the admission queue', () => {
  /** A stand-in for a ServerResponse: admission only listens for 'close'. */
  function response() {
    const res = new EventEmitter() as EventEmitter & { closed: boolean; finish(): void };
    res.closed = false;
    res.finish = () => {
      res.closed = true;
      res.emit('close');
    };
    return res as unknown as ServerResponse & { finish(): void };
  }

  it('serves waiting keys in turn, so one busy stream cannot take every slot', async () => {
    const admission = createAdmission({ concurrency: 1, queueTimeoutMs: 60_000, maxQueue: 100, reserve: 0, retryAfterSeconds: 1 });
    const order: string[] = [];
    const first = response();
    await admission.admit(first, 'busy');
    const waiting = [
      ...Array.from({ length: 4 }, (_, i) => ['busy', i] as const),
      ['quiet', 0] as const,
      ['other', 0] as const,
    ].map(([key, i]) => {
      const res = response();
      return admission.admit(res, key).then(() => {
        order.push(`${key}${i}`);
        res.finish();
      });
    });
    first.finish();
    await Promise.all(waiting);
    expect(order).toEqual(['busy0', 'quiet0', 'other0', 'busy1', 'busy2', 'busy3']);
    expect(admission.active).toBe(0);
  });

  it('drops a waiting request whose client left, and sheds the longest queue when full', async () => {
    const shed: string[] = [];
    const admission = createAdmission({ concurrency: 1, queueTimeoutMs: 60_000, maxQueue: 2, reserve: 0, retryAfterSeconds: 1 });
    admission.onShed = (reason) => shed.push(reason);
    const holder = response();
    await admission.admit(holder, 'a');
    const gone = response();
    const goneAdmitted = admission.admit(gone, 'a');
    gone.finish();
    expect(admission.queued).toBe(0);
    const b1 = admission.admit(response(), 'b');
    const b2 = admission.admit(response(), 'b');
    // Full: the newest of the longest queue (b) makes room for another key.
    const c = admission.admit(response(), 'c');
    await expect(b2).rejects.toBeInstanceOf(Shed);
    expect(shed).toEqual(['queue_full']);
    holder.finish();
    await b1;
    expect(admission.queued).toBe(1);
    // The abandoned request settles (its handler ends), not counted as shed.
    await expect(goneAdmitted).rejects.toMatchObject({ reason: 'client_gone' });
    expect(shed).toEqual(['queue_full']);
    admission.close();
    await expect(c).rejects.toMatchObject({ reason: 'stopping' });
  });

  it('sheds a new request of the longest queue itself instead of its own queued ones', async () => {
    const admission = createAdmission({ concurrency: 1, queueTimeoutMs: 60_000, maxQueue: 2, reserve: 0, retryAfterSeconds: 1 });
    const holder = response();
    await admission.admit(holder, 'a');
    const queued = [admission.admit(response(), 'a'), admission.admit(response(), 'a')];
    let firstShed = false;
    queued[0]!.catch(() => (firstShed = true));
    await expect(admission.admit(response(), 'a')).rejects.toMatchObject({ reason: 'queue_full' });
    await Promise.resolve();
    expect(firstShed).toBe(false);
    expect(admission.queued).toBe(2);
    holder.finish();
    await queued[0];
    admission.close();
    await expect(queued[1]).rejects.toMatchObject({ reason: 'stopping' });
  });

  it('sheds every waiting request at once when the service stops, and each later one on arrival', async () => {
    const shed: string[] = [];
    // A queue timeout far beyond the test: only close() can settle the waiters in time.
    const admission = createAdmission({ concurrency: 1, queueTimeoutMs: 600_000, maxQueue: 10, reserve: 1, retryAfterSeconds: 1 });
    admission.onShed = (reason) => shed.push(reason);
    const holder = response();
    await admission.admit(holder, 'a');
    const waiting = [admission.admit(response(), 'a'), admission.admit(response(), 'b')];
    expect(admission.queued).toBe(2);
    admission.close();
    for (const w of waiting) await expect(w).rejects.toMatchObject({ reason: 'stopping' });
    expect(admission.queued).toBe(0);
    await expect(admission.admit(response(), 'c')).rejects.toMatchObject({ reason: 'stopping' });
    await expect(admission.admit(response(), 'c', true)).rejects.toMatchObject({ reason: 'stopping' });
    expect(shed).toEqual(['stopping', 'stopping', 'stopping', 'stopping']);
    // The request that held a slot finishes normally.
    holder.finish();
    expect(admission.active).toBe(0);
  });

  it('gives sync triggers of an OPERATOR or above priority and nothing else', () => {
    const operator = { tokenId: 't', name: 'op', role: 'OPERATOR' as const };
    const priority = (query: string, name?: string, actor: typeof operator | null = operator) => isPriorityOperation(parse(query), name, actor);
    expect(priority('mutation { triggerSync(input: {}) { runs { id } } }')).toBe(true);
    expect(priority('mutation T { cancelSyncRun(id: "x") { run { id } } }', 'T')).toBe(true);
    expect(priority('mutation { triggerSync(input: {}) { runs { id } } }', undefined, null)).toBe(false);
    expect(priority('mutation { triggerSync(input: {}) { runs { id } } }', undefined, { ...operator, role: 'VIEWER' as never })).toBe(false);
    expect(priority('mutation { triggerSync(input: {}) { runs { id } } deleteBatch(id: "x") { id } }')).toBe(false);
    expect(priority('query { triggerSync: batches { totalCount } }')).toBe(false);
    expect(priority('{ batches { totalCount } } # triggerSync')).toBe(false);
  });
});
