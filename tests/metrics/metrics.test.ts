/**
 * GET /metrics end to end: the Prometheus text parses, METRICS_TOKEN guards it, and each metric
 * moves by exactly what the test did — HTTP and GraphQL requests, a sync against a simulator that
 * injects 429s, webhook deliveries that succeed, fail and give up, a graphql-ws subscription —
 * while an ROLE=api instance (no workers) shows the database queues at scrape time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import pino from 'pino';
import { Writable } from 'node:stream';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { openWsClient } from '../helpers/ws-client.js';
import { createSimAccount, seedListing, waitFor, otherPrice } from '../helpers/catalog.js';
import { syncNow, trigger } from '../helpers/sync.js';
import { createWorkCenter } from '../helpers/production.js';
import { parseMetrics, scrapeMetrics, type Scrape } from '../helpers/metrics.js';
import { startReceiver, type Receiver } from '../webhooks/receiver.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { createMetrics } from '../../src/modules/metrics/metrics.registry.js';
import { queueDepthSampler } from '../../src/modules/metrics/queue-depth.collector.js';
import { routeOf } from '../../src/modules/metrics/http-metrics.js';
import type { PrismaClient } from '../../src/generated/prisma/client.js';

const TOKEN = 'metrics-scraper-token-0123456789';
const OFFERS = 640;

let t: TestApp;
let sim: Simulator;
let accountId: string;
let receiver: Receiver;
const clients: Client[] = [];

const scrape = () => scrapeMetrics(t.url, TOKEN);

async function createWebhook(app: TestApp, input: Record<string, unknown>) {
  const r = dataOf(await app.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } errors { code message field } } }`, { i: input })).createWebhook;
  if (r.errors.length) throw new Error(JSON.stringify(r.errors));
  return r.webhook.id as string;
}

beforeAll(async () => {
  t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', METRICS_TOKEN: TOKEN }, { webhookWorker: { baseDelayMs: 50, pollMs: 50, random: () => 0.5 } });
  sim = await startFastSimulator('EMAG', { offers: OFFERS, seed: 23 });
  accountId = await createSimAccount(t, sim, 'eMAG metrics');
  receiver = await startReceiver((request, _index, res) => void res.writeHead(request.path === '/fail' ? 500 : 200).end('ok'));
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await t?.close();
  await sim?.stop();
  await receiver?.close();
});

describe('/metrics', () => {
  it('answers 401 without the METRICS_TOKEN and the Prometheus text format with it', async () => {
    const none = await fetch(`${t.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('stockline_');

    const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = parseMetrics(await res.text());
    const names = m.families.map((f) => f.name);
    for (const name of [
      'stockline_http_requests_total',
      'stockline_http_request_duration_seconds',
      'stockline_sync_runs_finished_total',
      'stockline_sync_items_total',
      'stockline_sync_runs_executing',
      'stockline_marketplace_requests_total',
      'stockline_marketplace_rate_limited_total',
      'stockline_webhook_deliveries_total',
      'stockline_graphql_subscriptions_active',
      'stockline_websocket_connections',
      'stockline_queue_depth',
      'stockline_queue_depth_up',
      'stockline_process_cpu_user_seconds_total',
      'stockline_nodejs_heap_size_used_bytes',
      'graphql_envelop_request',
      'graphql_envelop_request_duration',
      'graphql_envelop_error_result',
    ]) {
      expect(names, name).toContain(name);
    }
    for (const family of m.families) {
      expect(family.name).toMatch(/^(stockline_|graphql_envelop_)/);
      expect(family.help.length, family.name).toBeGreaterThan(0);
    }
    // The two refusals were counted under the bounded route label.
    expect(m.value('stockline_http_requests_total', { method: 'GET', route: '/metrics', status: '401' })).toBe(2);
    expect(m.value('stockline_queue_depth_up')).toBe(1);
  });

  it('counts HTTP requests by route and status, and GraphQL operations by name, exactly', async () => {
    const before = await scrape();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await t.gql('query MetricsProbe { __typename }');
      expect(r.data).toEqual({ __typename: 'Query' });
      statuses.push(r.status);
    }
    const broken = await t.gql('query MetricsBroken { noSuchField }');
    expect(broken.errors?.[0]?.message).toMatch(/noSuchField/);
    statuses.push(broken.status);
    expect((await fetch(`${t.url}/no/such/path?x=1`)).status).toBe(404);
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    const countDelta = (name: string, labels: Record<string, string>) => after.count(name, labels) - before.count(name, labels);
    expect(delta('stockline_http_requests_total', { method: 'POST', route: '/graphql' })).toBe(4);
    for (const status of new Set(statuses)) {
      expect(delta('stockline_http_requests_total', { method: 'POST', route: '/graphql', status: String(status) })).toBe(statuses.filter((s) => s === status).length);
    }
    expect(countDelta('stockline_http_request_duration_seconds', { method: 'POST', route: '/graphql' })).toBe(4);
    expect(delta('stockline_http_requests_total', { method: 'GET', route: 'other', status: '404' })).toBe(1);
    // The scrape before this one was counted once it had been answered.
    expect(delta('stockline_http_requests_total', { method: 'GET', route: '/metrics', status: '200' })).toBe(1);

    expect(delta('graphql_envelop_request', { operationType: 'query', operationName: 'MetricsProbe' })).toBe(3);
    expect(countDelta('graphql_envelop_request_duration', { operationType: 'query', operationName: 'MetricsProbe' })).toBe(3);
    expect(delta('graphql_envelop_error_result', { operationName: 'MetricsProbe' })).toBe(0);
    // A name first seen in a failed validation (the caller is not known yet) takes no label slot.
    expect(delta('graphql_envelop_error_result', { operationType: 'query', operationName: 'other', phase: 'validate' })).toBe(1);
    expect(after.text).not.toContain('MetricsBroken');
    // No label carries a path or a query string.
    expect(after.text).not.toContain('/no/such/path');
  });

  it('counts a sync run, its items, and the marketplace calls and 429s of its account', async () => {
    // About one request in three is answered 429 (with a short Retry-After); the connector retries them.
    sim.setFaults({ tooManyRequestsRate: 0.3, retryAfterMs: 5 });
    sim.resetStats();
    const labels = { account_id: accountId, channel: 'EMAG' };
    const before = await scrape();
    const run = await syncNow(t, accountId);
    expect(run).toMatchObject({ status: 'SUCCESS', created: OFFERS, updated: 0, unchanged: 0, failed: 0 });
    const stats = sim.stats();
    sim.setFaults({});
    const after = await waitFor(
      async () => {
        const m = await scrape();
        return m.value('stockline_sync_runs_finished_total', { ...labels, status: 'SUCCESS' }) > before.value('stockline_sync_runs_finished_total', { ...labels, status: 'SUCCESS' }) ? m : null;
      },
      { what: 'the finished run to be counted' },
    );
    const delta = (name: string, extra: Record<string, string> = {}) => after.value(name, { ...labels, ...extra }) - before.value(name, { ...labels, ...extra });

    expect(delta('stockline_sync_runs_finished_total', { status: 'SUCCESS' })).toBe(1);
    expect(delta('stockline_sync_runs_finished_total')).toBe(1);
    expect(delta('stockline_sync_items_total', { phase: 'products', kind: 'created' })).toBe(OFFERS);
    expect(delta('stockline_sync_items_total', { kind: 'updated' })).toBe(0);
    expect(delta('stockline_sync_items_total', { kind: 'unchanged' })).toBe(0);
    expect(delta('stockline_sync_items_total', { kind: 'failed' })).toBe(0);

    // Every request the simulator saw was counted once, and each 429 it sent as one.
    const tooMany = stats.injected.tooManyRequests + stats.violations;
    expect(stats.injected.tooManyRequests).toBeGreaterThan(0);
    expect(delta('stockline_marketplace_requests_total')).toBe(stats.requests);
    expect(delta('stockline_marketplace_requests_total', { outcome: '429' })).toBe(tooMany);
    expect(delta('stockline_marketplace_requests_total', { outcome: '2xx' })).toBe(stats.requests - tooMany);
    expect(delta('stockline_marketplace_rate_limited_total')).toBe(tooMany);
    expect(after.count('stockline_marketplace_request_duration_seconds', { channel: 'EMAG' }) - before.count('stockline_marketplace_request_duration_seconds', { channel: 'EMAG' })).toBe(
      stats.requests,
    );
    expect(after.value('stockline_sync_runs_executing')).toBe(0);
    expect(after.value('stockline_queue_depth', { queue: 'sync_runs', state: 'running' })).toBe(0);
  });

  it('counts webhook deliveries that succeed, fail an attempt and give up', async () => {
    const before = await scrape();
    await createWebhook(t, { url: `${receiver.url}/ok`, events: ['work_center.created'] });
    await createWebhook(t, { url: `${receiver.url}/fail`, events: ['work_center.created'], retryCount: 1 });
    await createWorkCenter(t);
    const outcome = (m: Scrape, name: string) => m.value('stockline_webhook_deliveries_total', { outcome: name }) - before.value('stockline_webhook_deliveries_total', { outcome: name });
    const after = await waitFor(
      async () => {
        const m = await scrape();
        return outcome(m, 'given_up') === 1 ? m : null;
      },
      { what: 'the failing delivery to be given up' },
    );
    expect(receiver.on('/ok')).toHaveLength(1);
    expect(receiver.on('/fail')).toHaveLength(2);
    expect(outcome(after, 'success')).toBe(1);
    expect(outcome(after, 'failed_attempt')).toBe(1);
    expect(outcome(after, 'given_up')).toBe(1);
    expect(after.value('stockline_queue_depth', { queue: 'webhook_deliveries', state: 'pending' })).toBe(0);
    await t.app.services.prisma.webhookSubscription.deleteMany();
  });
});

describe('/metrics of an api instance (no workers)', () => {
  let api: TestApp;
  let pendingTaskId: string;
  beforeAll(async () => {
    api = await startTestApp({ ROLE: 'api', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('is open without METRICS_TOKEN and counts apart from the other app in this process', async () => {
    const m = await scrapeMetrics(api.url);
    expect(m.value('graphql_envelop_request', { operationName: 'MetricsProbe' })).toBe(0);
    expect(m.value('stockline_sync_runs_finished_total')).toBe(0);
    expect(m.value('stockline_http_requests_total', { route: '/graphql' })).toBe(0);
  });

  it('reports the database queues at scrape time: what an api instance queues stays pending', async () => {
    const empty = await scrapeMetrics(api.url);
    expect(empty.value('stockline_queue_depth_up')).toBe(1);
    for (const [queue, state] of [
      ['webhook_deliveries', 'pending'],
      ['background_tasks', 'pending'],
      ['background_tasks', 'running'],
      ['push_jobs', 'pending'],
      ['sync_runs', 'pending'],
      ['sync_runs', 'running'],
      ['sync_runs', 'interrupted'],
    ]) {
      expect(empty.has('stockline_queue_depth', { queue: queue!, state: state! }), `${queue} ${state}`).toBe(true);
      expect(empty.value('stockline_queue_depth', { queue: queue!, state: state! })).toBe(0);
    }

    await createWebhook(api, { url: 'http://127.0.0.1:9/never', events: ['work_center.created'] });
    await createWorkCenter(api);
    await createWorkCenter(api);
    const task = dataOf(await api.gql(`mutation { exportBatches(input: { format: CSV }) { task { id } errors { code message } } }`)).exportBatches;
    expect(task.errors).toEqual([]);
    pendingTaskId = task.task.id;
    const apiAccount = await createSimAccount(api, sim, 'eMAG api instance');
    const queued = await trigger(api, { accountIds: [apiAccount], scope: 'PRODUCTS', mode: 'FULL' });
    expect(queued.errors).toEqual([]);
    const listing = await seedListing(api.app.services.prisma, sim, apiAccount, 0);
    const edited = dataOf(
      await api.gql(`mutation($i: UpdateListingPriceInput!) { updateListingPrice(input: $i) { listing { id } errors { code message } } }`, {
        i: { listingId: listing.id, price: otherPrice(listing.price.toFixed(2)) },
      }),
    ).updateListingPrice;
    expect(edited.errors).toEqual([]);

    const m = await scrapeMetrics(api.url);
    expect(m.value('stockline_queue_depth', { queue: 'webhook_deliveries', state: 'pending' })).toBe(2);
    expect(m.value('stockline_queue_depth', { queue: 'background_tasks', state: 'pending' })).toBe(1);
    expect(m.value('stockline_queue_depth', { queue: 'push_jobs', state: 'pending' })).toBe(1);
    expect(m.value('stockline_queue_depth', { queue: 'sync_runs', state: 'pending' })).toBe(1);
    expect(m.value('stockline_queue_depth', { queue: 'sync_runs', state: 'running' })).toBe(0);
    expect(m.value('stockline_sync_runs_executing')).toBe(0);

    // No worker will finish the queued run once it is cancelled: this instance counts it.
    const cancelled = dataOf(await api.gql(`mutation($id: ID!) { cancelSyncRun(input: { id: $id }) { run { status } errors { code } } }`, { id: queued.runs[0].id })).cancelSyncRun;
    expect(cancelled).toEqual({ run: { status: 'CANCELLED' }, errors: [] });
    const afterCancel = await scrapeMetrics(api.url);
    expect(afterCancel.value('stockline_sync_runs_finished_total', { account_id: apiAccount, channel: 'EMAG', status: 'CANCELLED' })).toBe(1);
    expect(afterCancel.value('stockline_queue_depth', { queue: 'sync_runs', state: 'pending' })).toBe(0);
  });

  it('shows open WebSocket connections and subscriptions (graphql-ws and server-sent events), and drops them when they end', async () => {
    const gauges = async () => {
      const m = await scrapeMetrics(api.url);
      return { subscriptions: m.value('stockline_graphql_subscriptions_active'), connections: m.value('stockline_websocket_connections') };
    };
    const until = (expected: { subscriptions: number; connections: number }, what: string) =>
      waitFor(async () => JSON.stringify(await gauges()) === JSON.stringify(expected), { what });
    expect(await gauges()).toEqual({ subscriptions: 0, connections: 0 });

    const client = openWsClient(api.url, api.adminToken);
    clients.push(client);
    // The task stays PENDING (no task runner here), so its progress stream stays open until closed.
    const watch = (name = 'MetricsWatch') =>
      client.subscribe({ query: `subscription ${name}($id: ID!) { taskProgress(taskId: $id) { status } }`, variables: { id: pendingTaskId } }, { next: () => {}, error: () => {}, complete: () => {} });
    const unsubscribe = watch();
    await until({ subscriptions: 1, connections: 1 }, 'the subscription to be counted');
    unsubscribe();
    await until({ subscriptions: 0, connections: 1 }, 'the completed subscription to be uncounted');
    expect((await scrapeMetrics(api.url)).value('graphql_envelop_request', { operationType: 'subscription', operationName: 'MetricsWatch' })).toBe(1);

    // A connection that goes away with subscriptions open takes them off the gauge too.
    watch('MetricsWatchA');
    watch('MetricsWatchB');
    await until({ subscriptions: 2, connections: 1 }, 'two subscriptions to be counted');
    await client.dispose();
    await until({ subscriptions: 0, connections: 0 }, 'the closed connection to be uncounted');

    // Yoga also serves subscriptions as server-sent events over HTTP: they count the same way.
    const abort = new AbortController();
    const sse = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${api.adminToken}` },
      body: JSON.stringify({ query: 'subscription MetricsSse($id: ID!) { taskProgress(taskId: $id) { status } }', variables: { id: pendingTaskId } }),
      signal: abort.signal,
    });
    expect(sse.headers.get('content-type')).toMatch(/text\/event-stream/);
    await until({ subscriptions: 1, connections: 0 }, 'the SSE subscription to be counted');
    abort.abort();
    await sse.body?.cancel().catch(() => {});
    await until({ subscriptions: 0, connections: 0 }, 'the aborted SSE subscription to be uncounted');
  });
});

describe('queue depths when the database cannot answer', () => {
  it('keeps the scrape working, reports the queues as unknown and logs the failure once', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) }));
    let down = true;
    const prisma = {
      $queryRawUnsafe: async () => {
        if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        return [{ webhookPending: 3, tasksPending: 0, tasksRunning: 1, pushPending: 0, syncPending: 2, syncRunning: 0, syncInterrupted: 0 }];
      },
    } as unknown as PrismaClient;
    const metrics = createMetrics({ queues: queueDepthSampler(prisma, logger) });
    metrics.httpRequests.inc({ method: 'GET', route: '/metrics', status: '200' });

    for (let i = 0; i < 3; i++) {
      const m = parseMetrics(await metrics.registry.metrics());
      expect(m.value('stockline_queue_depth_up')).toBe(0);
      expect(m.has('stockline_queue_depth')).toBe(false);
      expect(m.value('stockline_http_requests_total')).toBe(1);
    }
    expect(lines.filter((l) => l.includes('queue depths could not be read'))).toHaveLength(1);

    down = false;
    const m = parseMetrics(await metrics.registry.metrics());
    expect(m.value('stockline_queue_depth_up')).toBe(1);
    expect(m.value('stockline_queue_depth', { queue: 'webhook_deliveries', state: 'pending' })).toBe(3);
    expect(m.value('stockline_queue_depth', { queue: 'sync_runs', state: 'pending' })).toBe(2);
    expect(lines.filter((l) => l.includes('queue depths readable again'))).toHaveLength(1);
  });

  it('labels routes from a fixed set', () => {
    expect(['/graphql', '/graphql?query=x', '/metrics', '/healthz', '/readyz', '/files/abc', '/webhooks/test', '/', '/index.html', '/assets/app-1.js', '/wp-admin', '/files'].map(routeOf)).toEqual([
      '/graphql',
      '/graphql',
      '/metrics',
      '/healthz',
      '/readyz',
      '/files',
      '/webhooks/test',
      '/',
      '/',
      '/',
      'other',
      'other',
    ]);
  });
});
