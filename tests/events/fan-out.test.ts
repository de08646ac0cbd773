import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Client } from 'graphql-ws';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { disposeWsClients, openWsClient } from '../helpers/ws-client.js';
import { EventBus } from '../../src/events/event-bus.js';
import type { SyncProgressEvent } from '../../src/modules/sync/sync.events.js';

/**
 * Thousands of sockets on one topic must not mean thousands of listeners on the event bus's
 * target (with REDIS_URL, one Redis subscription each): one upstream listener per topic per
 * instance. The app's in-process target is a plain EventTarget, so its prototype is where the
 * listeners are counted (the spies call through).
 */
const add = vi.spyOn(EventTarget.prototype, 'addEventListener');
const remove = vi.spyOn(EventTarget.prototype, 'removeEventListener');
const listeners = (topic: string) => add.mock.calls.filter(([type]) => type === topic).length - remove.mock.calls.filter(([type]) => type === topic).length;

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

describe('subscription fan-out', () => {
  it('50 sockets on syncProgress and domainEvents share one event-bus listener per topic, removed after the last one leaves', async () => {
    const token = await t.tokenFor('VIEWER');
    const clients = Array.from({ length: 50 }, () => openWsClient(t.url, token));
    const live = Promise.all(clients.flatMap((client) => [firstEvent(client, 'subscription { syncProgress { runId pagesDone } }'), firstEvent(client, 'subscription { domainEvents { id type } }')]));
    // Published until every subscription has heard one: then all 100 are live.
    let done = false;
    void live.finally(() => (done = true));
    for (let page = 1; !done; page++) {
      t.app.services.events.publishSyncProgress(progress(page));
      t.app.services.events.publish([EventBus.create('batch.created', { page })]);
      await new Promise((r) => setTimeout(r, 50));
    }
    await live;
    expect(listeners('sync-progress')).toBe(1);
    expect(listeners('domain-event')).toBe(1);

    await disposeWsClients();
    // The last subscriber gone, nothing listens to its topic any more (the alert monitor keeps domain events).
    await vi.waitFor(() => expect(listeners('sync-progress')).toBe(0), { timeout: 5000 });
    expect(listeners('domain-event')).toBe(1);
  });

  it('50 sockets connecting at once with one token look it up in the database once (the token cache)', async () => {
    const token = await t.tokenFor('VIEWER');
    t.resetQueries();
    const clients = Array.from({ length: 50 }, () => openWsClient(t.url, token));
    await Promise.all(clients.map((client) => firstEvent(client, '{ __typename }')));
    expect(t.queries.filter((sql) => /FROM\s+"[^"]*"\."ApiToken"|FROM\s+"ApiToken"/i.test(sql) && /SELECT/i.test(sql))).toHaveLength(1);
  });
});
