import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { disposeWsClients, openWsClient } from '../helpers/ws-client.js';
import { EventBus } from '../../src/events/event-bus.js';
import type { SyncProgressEvent } from '../../src/modules/sync/sync.events.js';

/**
 * Thousands of sockets on one topic must not mean thousands of listeners on the event bus's
 * target: one upstream listener per topic per instance, and with REDIS_URL one Redis subscription
 * per channel. The app's in-process target is a plain EventTarget, so its prototype is where the
 * listeners are counted; with Redis, the subscribing client's SUBSCRIBE commands (the spies call through).
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const add = vi.spyOn(EventTarget.prototype, 'addEventListener');
const remove = vi.spyOn(EventTarget.prototype, 'removeEventListener');
const subscribe = vi.spyOn(Redis.prototype, 'subscribe');
const unsubscribe = vi.spyOn(Redis.prototype, 'unsubscribe');
const net = (adds: typeof add | typeof subscribe, removes: typeof remove | typeof unsubscribe, matches: (name: unknown) => boolean) => adds.mock.calls.filter(([name]) => matches(name)).length - removes.mock.calls.filter(([name]) => matches(name)).length;
const listeners = (topic: string) => net(add, remove, (type) => type === topic);
// Redis channels are `<deployment prefix>:<topic>` (redis-link.ts).
const redisChannels = (topic: string) => net(subscribe, unsubscribe, (channel) => typeof channel === 'string' && channel.endsWith(`:${topic}`));

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await disposeWsClients();
  await t?.close();
  vi.restoreAllMocks();
});

const progress = (pagesDone: number): SyncProgressEvent => ({
  runId: '00000000-0000-4000-8000-000000000002',
  accountId: '00000000-0000-4000-8000-000000000001',
  status: 'RUNNING',
  phase: null,
  pagesDone,
  pagesTotal: 10,
  itemsDone: pagesDone * 100,
  itemsTotal: 1000,
  created: 0,
  updated: 0,
  unchanged: 0,
  failed: 0,
  percent: pagesDone * 10,
  etaSeconds: null,
  itemsPerSecond: 0,
  at: new Date().toISOString(),
});

/** Subscribes to `query` and resolves once the first event arrived (the subscription is then live). */
function firstEvent(client: Client, query: string) {
  return new Promise<void>((resolve, reject) => {
    client.subscribe({ query }, { next: (msg) => (msg.errors ? reject(new Error(JSON.stringify(msg.errors))) : resolve()), error: reject, complete: () => reject(new Error('completed before any event')) });
  });
}

const PROGRESS = 'subscription { syncProgress { runId pagesDone } }';
const DOMAIN_EVENTS = 'subscription { domainEvents { id type } }';

/** 50 sockets subscribed to each of `queries`, resolved once every subscription is live. */
async function fiftySockets(app: TestApp, queries: string[]) {
  const token = await app.tokenFor('VIEWER');
  const clients = Array.from({ length: 50 }, () => openWsClient(app.url, token));
  const live = Promise.all(clients.flatMap((client) => queries.map((query) => firstEvent(client, query))));
  // Published until every subscription has heard one: then all are live.
  let done = false;
  void live.finally(() => (done = true));
  for (let page = 1; !done; page++) {
    app.app.services.events.publishSyncProgress(progress(page));
    app.app.services.events.publish([EventBus.create('batch.created', { page })]);
    await new Promise((r) => setTimeout(r, 50));
  }
  await live;
}

describe('subscription fan-out', () => {
  it('50 sockets on syncProgress and domainEvents share one event-bus listener per topic, removed after the last one leaves', async () => {
    await fiftySockets(t, [PROGRESS, DOMAIN_EVENTS]);
    expect(listeners('sync-progress')).toBe(1);
    expect(listeners('domain-event')).toBe(1);

    await disposeWsClients();
    // The last subscriber gone, nothing listens to its topic any more (the alert monitor keeps domain events).
    await vi.waitFor(() => expect(listeners('sync-progress')).toBe(0), { timeout: 5000 });
    expect(listeners('domain-event')).toBe(1);
  });

  it('with REDIS_URL, 50 sockets on syncProgress make one Redis subscription to its channel', async () => {
    const redisApp = await startTestApp({ REDIS_URL });
    try {
      const before = redisChannels('sync-progress');
      await fiftySockets(redisApp, [PROGRESS]);
      expect(redisChannels('sync-progress') - before).toBe(1);
      await disposeWsClients();
      await vi.waitFor(() => expect(redisChannels('sync-progress') - before).toBe(0), { timeout: 5000 });
    } finally {
      await disposeWsClients();
      await redisApp.close();
    }
  });

  it('50 sockets connecting at once with one token look it up in the database once (the token cache)', async () => {
    const token = await t.tokenFor('VIEWER');
    t.resetQueries();
    const clients = Array.from({ length: 50 }, () => openWsClient(t.url, token));
    await Promise.all(clients.map((client) => firstEvent(client, '{ __typename }')));
    expect(t.queries.filter((sql) => /FROM\s+"[^"]*"\."ApiToken"|FROM\s+"ApiToken"/i.test(sql) && /SELECT/i.test(sql))).toHaveLength(1);
  });
});
