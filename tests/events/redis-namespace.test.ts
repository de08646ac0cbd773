import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { EventBus } from '../../src/events/event-bus.js';
import type { DomainEvent } from '../../src/events/event-types.js';
import { redisPrefix } from '../../src/events/redis-prefix.js';

/**
 * Two deployments (each its own database) sharing one Redis must stay apart: neither hears the
 * other's events (domain events, sync progress, token revocations) nor spends the other's rate
 * budgets or reads its registered documents. Each test app here has a scratch database of its own.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  const env = { REDIS_URL, API_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '2' };
  [a, b] = await Promise.all([startTestApp(env), startTestApp(env)]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

/** Collects what `app`'s event bus delivers (every domain event) until stopped. */
function listen(app: TestApp) {
  const heard: DomainEvent[] = [];
  const stream = app.app.services.events.subscribe();
  const done = (async () => {
    for await (const event of stream) heard.push(event);
  })();
  return {
    heard,
    has: (id: string) => heard.some((event) => event.id === id),
    stop: async () => {
      await stream.return(undefined);
      await done;
    },
  };
}

/** Publishes one event on `app` until `listener` has heard one of them (both Redis subscriptions are then live). */
async function publishUntilHeard(app: TestApp, listener: ReturnType<typeof listen>, tag: string): Promise<DomainEvent> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const event = EventBus.create('batch.created', { tag });
    app.app.services.events.publish([event]);
    for (let i = 0; i < 10; i++) {
      if (listener.has(event.id)) return event;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (Date.now() > deadline) throw new Error(`${tag}: never heard its own event through Redis`);
  }
}

/** POSTs GraphQL params (document and/or APQ hash) to `app`, with its admin token or anonymously. */
async function post(app: TestApp, body: Record<string, unknown>, token: string | null = app.adminToken) {
  const res = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  return { status: res.status, ...((await res.json()) as { errors?: { extensions?: { code?: string } }[] }) };
}

describe('two deployments on one Redis', () => {
  it("never hear each other's events: B hears its own event published after A's, and never A's", async () => {
    const onA = listen(a);
    const onB = listen(b);
    try {
      // Both subscriptions live in Redis.
      await publishUntilHeard(a, onA, 'A');
      await publishUntilHeard(b, onB, 'B');
      // A's event has gone through Redis once A hears it; any leak to B is then already on B's
      // subscribing connection, ahead of B's own event published next.
      const fromA = await publishUntilHeard(a, onA, 'A');
      const fromB = await publishUntilHeard(b, onB, 'B');
      expect(onB.has(fromB.id)).toBe(true);
      expect(onB.heard.filter((event) => event.payload.tag === 'A')).toEqual([]);
      expect(onA.heard.filter((event) => event.payload.tag === 'B')).toEqual([]);
      expect(onA.has(fromA.id)).toBe(true);
    } finally {
      await Promise.all([onA.stop(), onB.stop()]);
    }
  });

  it("do not spend each other's rate budgets: A's anonymous budget spent, B still answers", async () => {
    const onA = [];
    for (let i = 0; i < 3; i++) onA.push((await post(a, { query: '{ __typename }' }, null)).status);
    expect(onA).toEqual([200, 200, 429]);
    expect((await post(b, { query: '{ __typename }' }, null)).status).toBe(200);
  });

  it("do not share registered documents (APQ): registered on A, unknown to B", async () => {
    const query = `query Namespaced { run_${randomUUID().replace(/-/g, '')}: __typename }`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
    expect((await post(a, { query, extensions })).errors).toBeUndefined();
    const onB = await post(b, { extensions });
    expect(onB.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

describe('the default namespace (REDIS_PREFIX unset)', () => {
  const of = (DATABASE_URL: string | undefined, DATA_DIR = './data', REDIS_PREFIX?: string) => redisPrefix({ DATABASE_URL, DATA_DIR, REDIS_PREFIX });

  it('is shared by the instances of one database and differs between databases', () => {
    const db = of('postgres://app:secret@db.internal:5432/stockline');
    expect(db).toMatch(/^stockline:[0-9a-f]{16}$/);
    // Another user, password, default port or connection option: the same database.
    expect(of('postgresql://other:pw@db.internal/stockline?connection_limit=5')).toBe(db);
    expect(of('postgres://app:secret@db.internal:5432/other')).not.toBe(db);
    expect(of('postgres://app:secret@db2.internal:5432/stockline')).not.toBe(db);
    expect(of('postgres://app:secret@db.internal:5433/stockline')).not.toBe(db);
    expect(of('postgres://app:secret@db.internal:5432/stockline?schema=tenant2')).not.toBe(db);
    // Embedded: the data directory, however it is written.
    expect(of(undefined, './data')).toBe(of(undefined, `${process.cwd()}/data/`));
    expect(of(undefined, './data')).not.toBe(of(undefined, './other'));
    // An in-memory database is one process's own.
    expect(of(undefined, 'memory://')).not.toBe(of(undefined, 'memory://'));
  });

  it('is REDIS_PREFIX when set', () => {
    expect(of('postgres://db/stockline', './data', 'acme-prod')).toBe('acme-prod');
  });
});
