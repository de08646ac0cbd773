import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Redis } from 'ioredis';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { backend, createScratchDatabase, dataOf } from '../helpers/app.js';
import { killAllChildren, startChildService, type ChildService } from '../helpers/child-service.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { EventBus } from '../../src/events/event-bus.js';

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

/** Collects syncProgress events on `url` until a final status. */
function collectProgress(url: string, token: string, accountId: string) {
  const client = createClient({ url: url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
  clients.push(client);
  const events: any[] = [];
  let live!: () => void;
  const ready = new Promise<void>((resolve) => (live = resolve));
  client.on('connected', () => setTimeout(live, 300));
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
  return { ready, done };
}

describe('events across instances through Redis', () => {
  if (backend === 'postgres') {
    it('a subscriber on an api process receives, in order, the progress of a run executed by a worker process', async () => {
      const scratch = await createScratchDatabase();
      cleanups.push(() => scratch.drop());
      const sim: Simulator = await startFastSimulator('STOREFRONT', { offers: 1200, seed: 9, faults: { latencyMs: 10 } });
      cleanups.push(() => sim.stop());
      const token = `cross-instance-admin-${randomBytes(12).toString('hex')}`;
      const env = {
        NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', SANDBOX: 'false', LOG_LEVEL: 'info', DATABASE_URL: scratch.url, REDIS_URL,
        ADMIN_TOKEN: token, CREDENTIALS_KEY: randomBytes(32).toString('hex'), API_RATE_LIMIT_PER_MINUTE: '100000', SYNC_POLL_MS: '200', SCHEDULER_ENABLED: 'false',
      };
      const api: ChildService = await startChildService({ env: { ...env, ROLE: 'api' }, token });
      const worker: ChildService = await startChildService({ env: { ...env, ROLE: 'worker', MIGRATE_ON_START: 'false' }, token });

      const created = dataOf(
        await api.gql(`mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } errors { code message } } }`, {
          input: { channel: 'STOREFRONT', name: 'shop', baseUrl: sim.url, credentials: sim.credentials, rateLimits: sim.rateLimits },
        }),
      ).createAccount;
      expect(created.errors).toEqual([]);
      const accountId = created.account.id as string;

      const progress = collectProgress(api.url, token, accountId);
      await progress.ready;
      const triggered = dataOf(await api.gql(`mutation($id: ID!) { triggerSync(input: { accountIds: [$id], scope: PRODUCTS, mode: FULL }) { runs { id } errors { code } } }`, { id: accountId })).triggerSync;
      expect(triggered.errors).toEqual([]);
      const runId = triggered.runs[0].id;

      const events = await progress.done;
      expect(events.every((e) => e.runId === runId)).toBe(true);
      const pages = events.filter((e) => e.status === 'RUNNING').map((e) => e.pagesDone);
      expect(pages).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(events.at(-1)).toMatchObject({ status: 'SUCCESS', percent: 100, created: 1200 });
      // The api process runs no sync worker: the run was executed by the other process.
      expect(worker.logs().some((l) => l.runId === runId)).toBe(true);
      expect(api.logs().some((l) => l.runId === runId && /page|sync SUCCESS/.test(String(l.msg)))).toBe(false);
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
      await new Promise((resolve) => setTimeout(resolve, 300)); // the Redis SUBSCRIBE is live
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
  }
});
