// Issue 12, finding 8: under overload the service sheds fast (503 + Retry-After, counted in
// /metrics) instead of serving requests after their clients gave up, keeps /healthz and sync
// triggers answering, and shares its slots fairly between clients and request kinds.
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmission, Shed } from '../../src/http/admission.js';
import { isPriorityOperation, isSubscription } from '../../src/http/admission.plugin.js';
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

      // A sync trigger goes before the queue, into the reserved slot.
      const trigger = t.gql(`mutation($ids: [ID!]) { triggerSync(input: { accountIds: $ids }) { runs { id } errors { __typename } } }`, { ids: [account.id] });
      await until(() => t.app.services.admission?.active === 2, 'the sync trigger to be admitted');

      await release();
      released = true;
      const triggered = await trigger;
      expect(triggered.status).toBe(200);
      expect(triggered.errors).toBeUndefined();
      expect(triggered.data.triggerSync.runs).toHaveLength(1);
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
    void c;
    void goneAdmitted;
  });

  it('gives sync triggers priority and nothing else', () => {
    expect(isPriorityOperation('mutation { triggerSync(input: {}) { runs { id } } }', undefined)).toBe(true);
    expect(isPriorityOperation('mutation T { cancelSyncRun(id: "x") { run { id } } }', 'T')).toBe(true);
    expect(isPriorityOperation('mutation { triggerSync(input: {}) { runs { id } } deleteBatch(id: "x") { id } }', undefined)).toBe(false);
    expect(isPriorityOperation('query { triggerSync: batches { totalCount } }', undefined)).toBe(false);
    expect(isPriorityOperation('{ batches { totalCount } } # triggerSync', undefined)).toBe(false);
  });

  it('leaves subscriptions over HTTP out (they live as long as their client)', () => {
    expect(isSubscription('subscription { syncRunUpdated { id } }', undefined)).toBe(true);
    expect(isSubscription('query subscriptionList { batches { totalCount } }', 'subscriptionList')).toBe(false);
  });
});
