/**
 * Endpoint health: a webhook failing for the whole window (shortened here) is disabled with an
 * alert (streamed by alertRaised) and a webhook.disabled event; enabling it again with
 * replayDeadLetters delivers every dead letter exactly once. 410 Gone disables at once;
 * `webhook-delivery: abort` stops the retries of one delivery.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { openWsClient, waitForSubscriptions } from '../helpers/ws-client.js';
import { transact } from '../../src/db/transaction.js';
import { waitForTask } from '../tasks/task-helpers.js';
import { startReceiver, type Receiver } from './receiver.js';

const ERRORS = 'errors { code message field }';

let t: TestApp;
const receivers: Receiver[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { webhookWorker: { baseDelayMs: 40, maxDelayMs: 100, pollMs: 100, random: () => 0.5, disableAfterMs: 400 } });
});
afterEach(async () => {
  await t.app.services.prisma.webhookSubscription.deleteMany();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await t?.close();
  await Promise.all(receivers.map((r) => r.close()));
});

async function createWebhook(input: Record<string, unknown>) {
  const r = dataOf(await t.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } ${ERRORS} } }`, { i: input })).createWebhook;
  if (r.errors.length) throw new Error(JSON.stringify(r.errors));
  return r.webhook.id as string;
}

const emit = (n: number) => transact(t.app.services, 'test', async (_tx, e) => e('batch.import_completed', { taskId: `h-${n}`, n }));
const webhookOf = async (id: string) =>
  dataOf(await t.gql(`query($id: ID!) { webhook(id: $id) { active disabledAt disabledReason failingSince } }`, { id })).webhook;

describe('endpoint health', () => {
  it('a dead receiver is disabled after the window, the alert streams, and re-enable + replay delivers each dead letter exactly once', { timeout: 30_000 }, async () => {
    let dead = true;
    const r = await startReceiver((req, _i, res) => void res.writeHead(dead && req.path === '/dead' ? 500 : 200).end());
    receivers.push(r);
    const webhookId = await createWebhook({ url: `${r.url}/dead`, events: ['batch.import_completed'], retryCount: 1, ordered: false });
    const watcher = await createWebhook({ url: `${r.url}/watch`, events: ['webhook.disabled'] });

    const client = openWsClient(t.url, t.adminToken, { lazy: true });
    clients.push(client);
    const alert = new Promise<any>((resolve, reject) => {
      client.subscribe(
        { query: `subscription { alertRaised(kind: WEBHOOK_DISABLED) { id kind severity message } }` },
        { next: (msg) => (msg.errors ? reject(new Error(JSON.stringify(msg.errors))) : resolve((msg.data as any).alertRaised)), error: reject, complete: () => {} },
      );
    });
    await waitForSubscriptions(t, 1); // the subscription is live

    // An event at a time, each dead before the next, until the window is over and the webhook is disabled.
    const prisma = t.app.services.prisma;
    let events = 0;
    while ((await prisma.webhookSubscription.findUniqueOrThrow({ where: { id: webhookId } })).active && events < 100) {
      await emit(events++);
      await waitFor(
        async () =>
          (await prisma.webhookDelivery.count({ where: { subscriptionId: webhookId, status: 'PENDING' } })) === 0 ||
          !(await prisma.webhookSubscription.findUniqueOrThrow({ where: { id: webhookId } })).active,
        { what: 'the delivery to die, or the webhook to be disabled' },
      );
    }
    // Disabled within those events (not waiting out the test's timeout for an alert that never comes).
    expect((await prisma.webhookSubscription.findUniqueOrThrow({ where: { id: webhookId } })).active).toBe(false);
    const raised = await alert;
    expect(raised).toMatchObject({ kind: 'WEBHOOK_DISABLED', severity: 'CRITICAL' });
    expect(raised.message).toContain(`${r.url}/dead`);
    const disabled = await webhookOf(webhookId);
    expect(disabled).toMatchObject({ active: false, disabledAt: expect.any(String), disabledReason: expect.stringContaining('every attempt has failed since') });
    // Not before the window (400 ms here) was over: the run of failures began with the first attempt.
    const firstAttempt = await prisma.webhookAttempt.findFirstOrThrow({ where: { delivery: { subscriptionId: webhookId } }, orderBy: { startedAt: 'asc' } });
    expect(disabled.failingSince).not.toBeNull();
    expect(new Date(disabled.failingSince).getTime()).toBeGreaterThanOrEqual(firstAttempt.startedAt.getTime());
    expect(new Date(disabled.disabledAt).getTime() - new Date(disabled.failingSince).getTime()).toBeGreaterThanOrEqual(400);
    await waitFor(() => r.on('/watch').length === 1, { what: 'the webhook.disabled event' });
    expect(JSON.parse(r.on('/watch')[0]!.body)).toMatchObject({ type: 'webhook.disabled', data: { webhookId } });

    // No attempt still in flight (a leased delivery's next attempt is a timeout away).
    await waitFor(async () => (await prisma.webhookDelivery.count({ where: { subscriptionId: webhookId, status: 'PENDING', nextAttemptAt: { gt: new Date(Date.now() + 2000) } } })) === 0, {
      what: 'the attempts in flight to be recorded',
    });
    // Events emitted once it was disabled recorded no delivery (an inactive webhook gets none).
    const recorded = await prisma.webhookDelivery.findMany({ where: { subscriptionId: webhookId }, select: { body: true } });
    const EVENTS = recorded.length;
    const recordedNs = recorded.map((d) => JSON.parse(d.body).data.n as number).sort((a, b) => a - b);
    // The dead letters, and at most the last delivery held mid-retry (PENDING) by the disabling.
    const deadLetters = await prisma.webhookDelivery.count({ where: { subscriptionId: webhookId, status: 'DEAD' } });
    const held = await prisma.webhookDelivery.count({ where: { subscriptionId: webhookId, status: 'PENDING' } });
    expect(deadLetters).toBeGreaterThanOrEqual(1);
    expect(held).toBeLessThanOrEqual(1);
    expect(deadLetters + held).toBe(EVENTS);

    dead = false;
    const enabledAt = Date.now();
    const enabled = dataOf(
      await t.gql(`mutation($i: UpdateWebhookInput!) { updateWebhook(input: $i) { webhook { active disabledAt failingSince } replayTask { id } ${ERRORS} } }`, {
        i: { id: webhookId, active: true, replayDeadLetters: true },
      }),
    ).updateWebhook;
    expect(enabled.webhook).toEqual({ active: true, disabledAt: null, failingSince: null });
    const task = await waitForTask(t, enabled.replayTask.id);
    expect(task.result.replayed).toBe(deadLetters);
    // Every event is delivered: the held ones and the replays of the dead letters.
    await waitFor(async () => (await prisma.webhookDelivery.count({ where: { subscriptionId: webhookId, status: 'SUCCESS' } })) === EVENTS, { what: 'every event' });
    // The receiver dedupes on webhook-id: what it accepted is each event once, none missing, no id twice.
    const accepted = r.on('/dead').filter((q) => q.at >= enabledAt);
    expect(new Set(accepted.map((q) => q.headers['webhook-id'])).size).toBe(accepted.length);
    expect(accepted.map((q) => JSON.parse(q.body).data.n as number).sort((a, b) => a - b)).toEqual(recordedNs);
    expect(await prisma.alert.count({ where: { kind: 'WEBHOOK_DISABLED', activeKey: { not: null } } })).toBe(0); // resolved
    void watcher;
  });

  it('410 Gone disables at once; webhook-delivery: abort stops the retries of that delivery', { timeout: 20_000 }, async () => {
    const r = await startReceiver((req, _i, res) =>
      void (req.path === '/gone' ? res.writeHead(410).end() : res.writeHead(500, { 'webhook-delivery': 'abort' }).end()),
    );
    receivers.push(r);
    const gone = await createWebhook({ url: `${r.url}/gone`, events: ['batch.import_completed'], retryCount: 5 });
    const abort = await createWebhook({ url: `${r.url}/abort`, events: ['batch.import_completed'], retryCount: 5 });
    await emit(1);
    const prisma = t.app.services.prisma;
    await waitFor(async () => (await prisma.webhookDelivery.count({ where: { status: { in: ['DEAD', 'FAILED'] } } })) === 2, { what: 'both to stop' });
    // The 410's webhook is disabled right after its outcome is recorded (endpoint health follows the record).
    await waitFor(async () => !(await webhookOf(gone)).active, { what: 'the 410 webhook disabled' });
    expect(await prisma.webhookDelivery.findFirst({ where: { subscriptionId: gone }, select: { status: true, attempts: true } })).toEqual({ status: 'DEAD', attempts: 1 });
    expect(await prisma.webhookDelivery.findFirst({ where: { subscriptionId: abort }, select: { status: true, attempts: true } })).toEqual({ status: 'FAILED', attempts: 1 });
    expect(await webhookOf(gone)).toMatchObject({ active: false, disabledReason: expect.stringContaining('410 Gone') });
    expect((await webhookOf(abort)).active).toBe(true);
  });

  it('a success ends the run of failures even when a failure was recorded while its request was out (its claim saw none)', async () => {
    let webhookId = '';
    const r = await startReceiver(async (_req, _i, res) => {
      // Another worker's failure lands while this request is out: this delivery's claim read failingSince as null.
      await t.app.services.prisma.webhookSubscription.update({ where: { id: webhookId }, data: { failingSince: new Date(Date.now() - 3_600_000) } });
      res.writeHead(200).end();
    });
    receivers.push(r);
    webhookId = await createWebhook({ url: `${r.url}/ok`, events: ['batch.import_completed'], ordered: false });
    await emit(1);
    await waitFor(async () => (await t.app.services.prisma.webhookDelivery.count({ where: { subscriptionId: webhookId, status: 'SUCCESS' } })) === 1, { what: 'the delivery to succeed' });
    // Left set, one failure days later would disable the webhook at once.
    expect((await webhookOf(webhookId)).failingSince).toBeNull();
  });
});
