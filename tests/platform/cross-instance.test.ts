import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { backend, createScratchDatabase, dataOf, startTestApp } from '../helpers/app.js';
import { openWsClient, waitForSubscriptions } from '../helpers/ws-client.js';
import { scrapeMetrics } from '../helpers/metrics.js';
import { killAllChildren, serviceEnv, startChildService, type ChildService } from '../helpers/child-service.js';
import { createSimAccount, waitFor } from '../helpers/catalog.js';
import { syncNow } from '../helpers/sync.js';
import { startReceiver } from '../webhooks/receiver.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { EventBus } from '../../src/events/event-bus.js';
import { redisPrefix } from '../../src/events/redis-prefix.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const FINAL = new Set(['SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED']);
const PROGRESS = `subscription($accountId: ID) { syncProgress(accountId: $accountId) { runId status pagesDone percent created } }`;

const clients: Client[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await killAllChildren();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/**
 * Waits until the process at `url` runs exactly `count` subscriptions (its /metrics gauge): those
 * opened on it then listen for their events (a fixed pause after connecting was a guess).
 */
async function subscriptionsRunning(url: string, count: number) {
  await waitFor(async () => (await scrapeMetrics(url)).value('stockline_graphql_subscriptions_active') === count, { timeoutMs: 30_000, what: `${count} subscription(s) to run on ${url}` });
}

/** Collects syncProgress events on `url` until a final status. */
function collectProgress(url: string, token: string, accountId: string) {
  const client = openWsClient(url, token, { lazy: true });
  clients.push(client);
  const events: any[] = [];
  const done = new Promise<any[]>((resolve, reject) => {
    const stop = client.subscribe(
      { query: PROGRESS, variables: { accountId } },
      {
        next: (msg) => {
          if (msg.errors) return reject(new Error(JSON.stringify(msg.errors)));
          const event = (msg.data as any).syncProgress;
          events.push(event);
          if (FINAL.has(event.status)) {
            stop();
            resolve(events);
          }
        },
        error: reject,
        complete: () => resolve(events),
      },
    );
  });
  return { done };
}

/** Resolves with the first event of `query` on `url`. */
function firstEvent(url: string, token: string, query: string, variables: Record<string, unknown>) {
  const client = openWsClient(url, token, { lazy: true });
  clients.push(client);
  const event = new Promise<any>((resolve, reject) => {
    const stop = client.subscribe({ query, variables }, {
      next: (msg) => {
        if (msg.errors) return reject(new Error(JSON.stringify(msg.errors)));
        stop();
        resolve(msg.data);
      },
      error: reject,
      complete: () => reject(new Error('completed without an event')),
    });
  });
  return { event };
}

describe('scale-out: api and worker processes on one PostgreSQL and Redis', () => {
  if (backend === 'postgres') {
    it('two api processes and one worker: a sync triggered on api #1 runs on the worker and streams to api #2; a webhook from api #2 is delivered once; an alert raised on the worker streams to api #1', async () => {
      const scratch = await createScratchDatabase();
      cleanups.push(() => scratch.drop());
      const sim: Simulator = await startFastSimulator('STOREFRONT', { offers: 1200, seed: 9, faults: { latencyMs: 10 } });
      cleanups.push(() => sim.stop());
      const receiver = await startReceiver();
      cleanups.push(() => receiver.close());
      const token = `cross-instance-admin-${randomBytes(12).toString('hex')}`;
      const env = serviceEnv({
        DATABASE_URL: scratch.url, REDIS_URL, ADMIN_TOKEN: token, CREDENTIALS_KEY: randomBytes(32).toString('hex'), SYNC_POLL_MS: '200', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      });
      // The first api applies the migrations; the others start on a migrated database, as docker-compose does.
      const api1: ChildService = await startChildService({ env: { ...env, ROLE: 'api' }, token });
      const [api2, worker] = await Promise.all([
        startChildService({ env: { ...env, ROLE: 'api', MIGRATE_ON_START: 'false' }, token }),
        startChildService({ env: { ...env, ROLE: 'worker', MIGRATE_ON_START: 'false' }, token }),
      ]);
      for (const [child, role] of [[api1, 'api'], [api2, 'api'], [worker, 'worker']] as const) {
        expect(child.logs().find((l) => l.msg === 'Stockline is listening')?.role).toBe(role);
      }

      const created = dataOf(
        await api1.gql(`mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } errors { code message } } }`, {
          input: { channel: 'STOREFRONT', name: 'shop', baseUrl: sim.url, credentials: sim.credentials, rateLimits: sim.rateLimits },
        }),
      ).createAccount;
      expect(created.errors).toEqual([]);
      const accountId = created.account.id as string;

      const progress = collectProgress(api2.url, token, accountId);
      await subscriptionsRunning(api2.url, 1);
      // ... and its SUBSCRIBE, sent without waiting for Redis to confirm it, is live (no other process listens to progress).
      const redis = new Redis(REDIS_URL);
      cleanups.push(() => redis.quit());
      const channel = `${redisPrefix({ DATABASE_URL: scratch.url, DATA_DIR: '', REDIS_PREFIX: env.REDIS_PREFIX })}:sync-progress`;
      await waitFor(async () => ((await redis.pubsub('NUMSUB', channel)) as [string, number])[1] >= 1, { what: `a subscriber of ${channel}` });
      const triggered = dataOf(await api1.gql(`mutation($id: ID!) { triggerSync(input: { accountIds: [$id], scope: PRODUCTS, mode: FULL }) { runs { id } errors { code } } }`, { id: accountId })).triggerSync;
      expect(triggered.errors).toEqual([]);
      const runId = triggered.runs[0].id;

      const events = await progress.done;
      expect(events.every((e) => e.runId === runId)).toBe(true);
      const pages = events.filter((e) => e.status === 'RUNNING').map((e) => e.pagesDone);
      expect(pages).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(events.at(-1)).toMatchObject({ status: 'SUCCESS', percent: 100, created: 1200 });
      // Neither api process runs a sync worker: the run was executed by the worker process.
      expect(worker.logs().some((l) => l.runId === runId)).toBe(true);
      for (const api of [api1, api2]) expect(api.logs().some((l) => l.runId === runId && /page|sync SUCCESS/.test(String(l.msg)))).toBe(false);

      // A webhook created and triggered through api #2; only the worker sends deliveries.
      const hook = dataOf(
        await api2.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } errors { code message } } }`, {
          i: { url: `${receiver.url}/scale-out`, events: ['work_center.created'], timeoutMs: 2000 },
        }),
      ).createWebhook;
      expect(hook.errors).toEqual([]);
      const center = dataOf(await api2.gql(`mutation { createWorkCenter(input: { identifier: "SCALE-1", name: "Scale line" }) { workCenter { id } errors { code } } }`)).createWorkCenter;
      expect(center.errors).toEqual([]);
      await waitFor(() => receiver.on('/scale-out').length >= 1, { timeoutMs: 30_000, what: 'the webhook delivery' });
      // Three processes share the outbox: a duplicate, if any, would arrive within the poll interval.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const requests = receiver.on('/scale-out');
      expect(requests).toHaveLength(1);
      const body = JSON.parse(requests[0]!.body);
      expect(body).toMatchObject({ type: 'work_center.created', data: { workCenter: { id: center.workCenter.id } } });
      const deliveries = dataOf(
        await api1.gql(`query($id: ID!) { webhookDeliveries(webhookId: $id, first: 10) { totalCount edges { node { id status attempts } } } }`, { id: hook.webhook.id }),
      ).webhookDeliveries;
      expect(deliveries.totalCount).toBe(1);
      expect(deliveries.edges[0].node).toMatchObject({ id: requests[0]!.headers['x-webhook-id'], status: 'SUCCESS', attempts: 1 });

      // Alerts are evaluated on the worker, where runs finish; api #1 streams the one it raised.
      const alert = firstEvent(api1.url, token, `subscription($id: ID) { alertRaised(accountId: $id, kind: AUTH_FAILURE) { kind severity active account { id } } }`, { id: accountId });
      await subscriptionsRunning(api1.url, 1);
      sim.setFaults({ authFailure: true });
      const failing = dataOf(await api2.gql(`mutation($id: ID!) { triggerSync(input: { accountIds: [$id], scope: PRODUCTS, mode: INCREMENTAL }) { runs { id } errors { code } } }`, { id: accountId })).triggerSync;
      expect(failing.errors).toEqual([]);
      expect((await alert.event).alertRaised).toEqual({ kind: 'AUTH_FAILURE', severity: 'CRITICAL', active: true, account: { id: accountId } });

      // Every process stops cleanly on SIGTERM (the 30 s forced exit would be code 1): the worker's
      // Redis listeners close while idle instead of waiting for one more event.
      const exits = await Promise.all([api1, api2, worker].map((child) => child.kill('SIGTERM', 25_000)));
      expect(exits.map((e) => e.code)).toEqual([0, 0, 0]);
    }, 240_000);
  } else {
    it('progress published by one instance event bus reaches the subscribers of another through Redis, in order', async () => {
      const connections = [new Redis(REDIS_URL), new Redis(REDIS_URL), new Redis(REDIS_URL), new Redis(REDIS_URL)];
      cleanups.push(() => Promise.all(connections.map((c) => c.quit())));
      // Two instances' event buses: their own Redis connections, nothing shared in memory.
      const [pubA, subA, pubB, subB] = connections as [Redis, Redis, Redis, Redis];
      const publisher = new EventBus(createRedisEventTarget({ publishClient: pubA, subscribeClient: subA }));
      const subscriber = new EventBus(createRedisEventTarget({ publishClient: pubB, subscribeClient: subB }));
      const accountId = crypto.randomUUID();
      const runId = crypto.randomUUID();
      const received: any[] = [];
      const stream = subscriber.syncProgress({ accountId });
      const done = (async () => {
        for await (const event of stream) {
          received.push({ status: event.status, pagesDone: event.pagesDone });
          if (FINAL.has(event.status)) break;
        }
      })();
      // The Redis SUBSCRIBE is live: Redis counts a subscriber of the channel (no other test uses it unprefixed).
      await waitFor(async () => ((await pubA.pubsub('NUMSUB', 'sync-progress')) as [string, number])[1] >= 1, { what: 'the subscription to the sync-progress channel' });
      const base = { runId, accountId, phase: 'PRODUCTS', pagesTotal: 3, itemsTotal: 300, updated: 0, unchanged: 0, failed: 0, etaSeconds: 1, itemsPerSecond: 100, at: new Date().toISOString() };
      for (let page = 1; page <= 3; page++) {
        publisher.publishSyncProgress({ ...base, status: page === 3 ? 'SUCCESS' : 'RUNNING', pagesDone: page, itemsDone: page * 100, created: page * 100, percent: page === 3 ? 100 : page * 33 });
      }
      await done;
      expect(received).toEqual([
        { status: 'RUNNING', pagesDone: 1 },
        { status: 'RUNNING', pagesDone: 2 },
        { status: 'SUCCESS', pagesDone: 3 },
      ]);
    }, 60_000);

    it('an app on PGlite with REDIS_URL streams a sync through Redis and then stops promptly', async () => {
      const sim: Simulator = await startFastSimulator('STOREFRONT', { offers: 300, seed: 10 });
      cleanups.push(() => sim.stop());
      const t = await startTestApp({ REDIS_URL });
      let closed = false;
      cleanups.push(async () => {
        if (!closed) await t.close();
      });
      const accountId = await createSimAccount(t, sim, 'shop over redis');
      const progress = collectProgress(t.url, t.adminToken, accountId);
      await waitForSubscriptions(t, 1);
      // Its own events come back to it through Redis too: the app's SUBSCRIBE, sent without waiting
      // for Redis to confirm it, is live once Redis counts a subscriber of its channel.
      const channel = `${t.app.services.redis!.options.keyPrefix}sync-progress`;
      await waitFor(async () => ((await t.app.services.redis!.pubsub('NUMSUB', channel)) as [string, number])[1] >= 1, { what: `a subscriber of ${channel}` });
      const run = await syncNow(t, accountId);
      const events = await progress.done;
      expect(events.at(-1)).toMatchObject({ runId: run.id, status: 'SUCCESS', percent: 100, created: 300 });
      // Its workers' Redis listeners close while idle (they used to wait for one more event).
      const started = Date.now();
      await t.close();
      closed = true;
      expect(Date.now() - started).toBeLessThan(10_000);
    }, 120_000);
  }
});
