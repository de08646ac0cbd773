/**
 * Webhooks end to end: a real receiver on loopback (WEBHOOK_ALLOW_PRIVATE_TARGETS=true), the
 * outbox written by the change's transaction, the worker's signatures, retries, timeout, redirect
 * refusal, redeliver, the delivery log, the webhookDelivery subscription and POST /webhooks/test.
 */
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import type { Client } from 'graphql-ws';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { openWsClient, waitForSubscriptions } from '../helpers/ws-client.js';
import { waitFor } from '../helpers/catalog.js';
import { createWorkCenter } from '../helpers/production.js';
import { transact } from '../../src/db/transaction.js';
import { createSimAccount } from '../helpers/catalog.js';
import { syncNow } from '../helpers/sync.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import { startReceiver, type Receiver } from './receiver.js';

const ERRORS = 'errors { code message field }';
const WEBHOOK = 'id url events active retryCount timeoutMs description createdAt';
const DELIVERY = 'id webhookId eventId eventType body status attempts responseStatus responseBody error deliveredAt nextAttemptAt createdAt attemptLog { attempt startedAt durationMs success responseStatus responseBody error }';

let t: TestApp;
const receivers: Receiver[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { webhookWorker: { baseDelayMs: 150, pollMs: 100, random: () => 0.5 } });
});
afterEach(async () => {
  // Each test's webhooks only: later events must not go to earlier receivers.
  await t.app.services.prisma.webhookSubscription.deleteMany();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await t?.close();
  await Promise.all(receivers.map((r) => r.close()));
});

async function receiver(respond?: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(respond);
  receivers.push(r);
  return r;
}

async function createWebhook(input: Record<string, unknown>) {
  const r = dataOf(await t.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { ${WEBHOOK} } secret standardWebhooksSecret ${ERRORS} } }`, { i: input })).createWebhook;
  if (r.errors.length) throw new Error(JSON.stringify(r.errors));
  return r as { webhook: { id: string; url: string }; secret: string; standardWebhooksSecret: string };
}

async function deliveries(webhookId: string, extra = '') {
  const r = dataOf(await t.gql(`query($id: ID!) { webhookDeliveries(webhookId: $id${extra}) { totalCount edges { node { ${DELIVERY} } } } }`, { id: webhookId }));
  return r.webhookDeliveries.edges.map((e: any) => e.node) as any[];
}

const hmacHex = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');

describe('webhook subscriptions', () => {
  it('shows the secret once: in the create payload, never in queries, the database or the logs', async () => {
    const r = await receiver();
    const created = await createWebhook({ url: `${r.url}/once`, events: ['work_center.created'], description: 'once' });
    expect(created.secret.length).toBeGreaterThanOrEqual(24);
    expect(created.standardWebhooksSecret).toBe(`whsec_${Buffer.from(created.secret).toString('base64')}`);
    expect(created.webhook).toMatchObject({ events: ['work_center.created'], active: true, retryCount: 5, timeoutMs: 10000 });

    // The type has no secret field at all.
    const asked = await t.gql(`query($id: ID!) { webhook(id: $id) { id secret } }`, { id: created.webhook.id });
    expect(asked.errors?.[0]?.message).toMatch(/Cannot query field "secret"/);
    const listed = dataOf(await t.gql(`{ webhooks { totalCount edges { node { ${WEBHOOK} } } } }`));
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    const row = await t.app.services.prisma.webhookSubscription.findUniqueOrThrow({ where: { id: created.webhook.id } });
    expect(row.secretEncrypted).not.toContain(created.secret);
    expect(t.app.services.cipher.decrypt(row.secretEncrypted)).toEqual({ secret: created.secret });

    await createWorkCenter(t);
    await waitFor(() => r.on('/once').length === 1, { what: 'the delivery' });
    const rotated = dataOf(await t.gql(`mutation($id: ID!) { rotateWebhookSecret(input: { id: $id }) { secret webhook { secretRotatedAt } ${ERRORS} } }`, { id: created.webhook.id }))
      .rotateWebhookSecret;
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.webhook.secretRotatedAt).toBeTruthy();
    const logs = t.logs.join('');
    expect(logs).not.toContain(created.secret);
    expect(logs).not.toContain(rotated.secret);
    expect(logs).toContain('webhook created');
  });

  it('is ADMIN only, refuses unknown event types by index and keeps the given secret rules', async () => {
    const operator = await t.tokenFor('OPERATOR');
    const denied = await t.gql(`mutation { createWebhook(input: { url: "http://127.0.0.1:9/x" }) { webhook { id } } }`, {}, operator);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const listed = await t.gql(`{ webhooks { totalCount } }`, {}, operator);
    expect(listed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const bad = dataOf(
      await t.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } secret ${ERRORS} } }`, {
        i: { url: 'http://127.0.0.1:9/x', events: ['batch.created', 'batch.exploded'], secret: 'short', retryCount: 21, timeoutMs: 50 },
      }),
    ).createWebhook;
    expect(bad.webhook).toBeNull();
    expect(bad.secret).toBeNull();
    expect(bad.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'VALIDATION', field: ['input', 'events', '1'], message: expect.stringContaining('batch.exploded') }),
        expect.objectContaining({ code: 'VALIDATION', field: ['input', 'secret'] }),
        expect.objectContaining({ code: 'VALIDATION', field: ['input', 'retryCount'] }),
        expect.objectContaining({ code: 'VALIDATION', field: ['input', 'timeoutMs'] }),
      ]),
    );
    const ftp = dataOf(await t.gql(`mutation { createWebhook(input: { url: "ftp://example.com/x" }) { ${ERRORS} } }`)).createWebhook;
    expect(ftp.errors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'url'] });
    expect(await t.app.services.prisma.webhookSubscription.count()).toBe(0);

    const given = await createWebhook({ url: 'http://127.0.0.1:9/x', secret: 'a-secret-of-at-least-24-chars', events: ['batch.created'], active: false });
    expect(given.secret).toBe('a-secret-of-at-least-24-chars');
    const updated = dataOf(
      await t.gql(`mutation($i: UpdateWebhookInput!) { updateWebhook(input: $i) { webhook { ${WEBHOOK} } ${ERRORS} } }`, {
        i: { id: given.webhook.id, events: ['batch.closed', 'nope'] },
      }),
    ).updateWebhook;
    expect(updated.errors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'events', '1'] });
    const filtered = dataOf(await t.gql(`{ a: webhooks(filter: { eventType: "batch.created" }) { totalCount } b: webhooks(filter: { eventType: "batch.closed" }) { totalCount } c: webhooks(filter: { active: true }) { totalCount } }`));
    expect(filtered).toEqual({ a: { totalCount: 1 }, b: { totalCount: 0 }, c: { totalCount: 0 } });
    const deleted = dataOf(await t.gql(`mutation($id: ID!) { deleteWebhook(input: { id: $id }) { webhook { id } ${ERRORS} } }`, { id: given.webhook.id })).deleteWebhook;
    expect(deleted.webhook.id).toBe(given.webhook.id);
    const again = dataOf(await t.gql(`mutation($id: ID!) { deleteWebhook(input: { id: $id }) { webhook { id } ${ERRORS} } }`, { id: given.webhook.id })).deleteWebhook;
    expect(again.errors[0].code).toBe('NOT_FOUND');
  });

  it('serves eventTypes with version and webhookEnabled', async () => {
    const types = dataOf(await t.gql(`{ eventTypes { name description version webhookEnabled } }`)).eventTypes;
    expect(types.length).toBeGreaterThan(10);
    expect(types).toContainEqual(expect.objectContaining({ name: 'sync.completed', version: 1, webhookEnabled: true }));
    expect(types.every((e: any) => e.version === 1 && e.webhookEnabled)).toBe(true);
  });
});

describe('the outbox', () => {
  it('records one delivery per active matching subscription in the change transaction, and none for a rolled-back change', async () => {
    const r = await receiver();
    const all = await createWebhook({ url: `${r.url}/all` });
    const wcOnly = await createWebhook({ url: `${r.url}/wc`, events: ['work_center.created'] });
    const other = await createWebhook({ url: `${r.url}/other`, events: ['batch.closed'] });
    const inactive = await createWebhook({ url: `${r.url}/inactive`, active: false });
    const prisma = t.app.services.prisma;

    const wc = await createWorkCenter(t);
    const rows = await prisma.webhookDelivery.findMany();
    expect(rows.map((d) => d.subscriptionId).sort()).toEqual([all.webhook.id, wcOnly.webhook.id].sort());
    expect(new Set(rows.map((d) => d.eventId)).size).toBe(1);
    const body = JSON.parse(rows[0]!.body);
    expect(body).toMatchObject({ id: rows[0]!.eventId, type: 'work_center.created', actor: expect.any(String), data: { workCenter: { id: wc.id } } });
    expect(Object.keys(body)).toEqual(['id', 'type', 'occurredAt', 'actor', 'orderingKey', 'sequence', 'data']);
    expect(body).toMatchObject({ orderingKey: `work_center:${wc.id}`, sequence: 1 });

    // A refused mutation, and a transaction that emits and then fails: nothing is recorded.
    const dup = await t.gql(`mutation($i: CreateWorkCenterInput!) { createWorkCenter(input: $i) { ${ERRORS} } }`, { i: { identifier: wc.identifier, name: 'dup' } });
    expect(dataOf(dup).createWorkCenter.errors[0].code).toBe('DUPLICATE_IDENTIFIER');
    await expect(
      transact(t.app.services, 'test', async (tx, emit) => {
        await tx.workCenter.create({ data: { identifier: `ROLLBACK-${Date.now()}`, name: 'x' } });
        emit('work_center.created', { workCenter: { id: 'x' } });
        throw new Error('boom after emit');
      }),
    ).rejects.toThrow('boom after emit');
    expect(await prisma.webhookDelivery.count()).toBe(2);

    await waitFor(() => r.on('/all').length === 1 && r.on('/wc').length === 1, { what: 'both deliveries' });
    expect(r.on('/other')).toHaveLength(0);
    expect(r.on('/inactive')).toHaveLength(0);
    expect(r.on('/all')[0]!.body).toBe(rows.find((d) => d.subscriptionId === all.webhook.id)!.body);
    void other;
    void inactive;
  });
});

describe('sync events', () => {
  it('records the deliveries of sync.started, the listing events of each page and sync.completed with the run', async () => {
    const r = await receiver();
    const sim = await startFastSimulator('STOREFRONT', { offers: 120, seed: 7 });
    try {
      const { webhook } = await createWebhook({ url: `${r.url}/sync`, events: ['sync.started', 'sync.completed', 'listing.price_changed', 'listing.stock_changed'] });
      const accountId = await createSimAccount(t, sim);
      const first = await syncNow(t, accountId);
      expect(first.status).toBe('SUCCESS');
      sim.drift({ fraction: 0.3, orders: false });
      const second = await syncNow(t, accountId);
      expect(second.status).toBe('SUCCESS');
      const rows = await t.app.services.prisma.webhookDelivery.findMany({ where: { subscriptionId: webhook.id }, orderBy: { createdAt: 'asc' } });
      const types = rows.map((d) => d.eventType);
      expect(types.filter((x) => x === 'sync.started')).toHaveLength(2);
      expect(types.filter((x) => x === 'sync.completed')).toHaveLength(2);
      expect(types[0]).toBe('sync.started');
      expect(types.filter((x) => x.startsWith('listing.')).length).toBeGreaterThan(0);
      const completed = rows.filter((d) => d.eventType === 'sync.completed').map((d) => JSON.parse(d.body).data.runId);
      expect(completed).toEqual([first.id, second.id]);
      await waitFor(() => r.on('/sync').length === rows.length, { what: 'every sync delivery' });
    } finally {
      await sim.stop();
    }
  });
});

describe('delivery', () => {
  it('signs each request: X-Webhook-Signature verifies with the secret and not another, and standardwebhooks verifies it too', async () => {
    const r = await receiver();
    const { webhook, secret, standardWebhooksSecret } = await createWebhook({ url: `${r.url}/signed`, events: ['work_center.created'] });
    await createWorkCenter(t);
    const [got] = await waitFor(() => (r.on('/signed').length ? r.on('/signed') : null), { what: 'the signed delivery' });
    const h = got!.headers;
    const [delivery] = await deliveries(webhook.id);
    expect(h['content-type']).toBe('application/json');
    expect(h['x-webhook-event']).toBe('work_center.created');
    expect(h['x-webhook-id']).toBe(delivery.id);
    expect(h['webhook-id']).toBe(delivery.id);
    expect(h['webhook-timestamp']).toBe(h['x-webhook-timestamp']);
    expect(Math.abs(Number(h['x-webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
    expect(got!.body).toBe(delivery.body);

    const signed = `${h['x-webhook-timestamp']}.${got!.body}`;
    expect(h['x-webhook-signature']).toBe(`sha256=${hmacHex(secret, signed)}`);
    expect(h['x-webhook-signature']).not.toBe(`sha256=${hmacHex('another-secret-of-24-characters', signed)}`);

    const headers = { 'webhook-id': String(h['webhook-id']), 'webhook-timestamp': String(h['webhook-timestamp']), 'webhook-signature': String(h['webhook-signature']) };
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new StandardWebhook(standardWebhooksSecret).verify(got!.body, headers)).toMatchObject({ id: delivery.eventId, type: 'work_center.created' });
    const wrong = `whsec_${Buffer.from('another-secret-of-24-characters').toString('base64')}`;
    expect(() => new StandardWebhook(wrong).verify(got!.body, headers)).toThrow();
    expect(() => new StandardWebhook(standardWebhooksSecret).verify(got!.body.replace('work_center', 'work-center'), headers)).toThrow();

    expect(delivery).toMatchObject({ status: 'SUCCESS', attempts: 1, responseStatus: 200, responseBody: 'ok', error: null, nextAttemptAt: null });
    expect(delivery.attemptLog).toEqual([expect.objectContaining({ attempt: 1, success: true, responseStatus: 200 })]);
  });

  it('retries a receiver that fails twice with growing delays, logs each attempt and streams them to webhookDelivery', async () => {
    const r = await receiver((_req, index, res) => void (index < 2 ? res.writeHead(503).end('x'.repeat(5000)) : res.writeHead(200).end('finally')));
    const { webhook } = await createWebhook({ url: `${r.url}/flaky`, events: ['work_center.created'], retryCount: 3 });
    const client = openWsClient(t.url, t.adminToken, { lazy: true });
    clients.push(client);
    const streamed: any[] = [];
    const streamedAll = new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: `subscription($id: ID!) { webhookDelivery(webhookId: $id) { webhookId deliveryId eventType attempt success status responseStatus error durationMs nextAttemptAt at } }`, variables: { id: webhook.id } },
        {
          next: (msg) => {
            if (msg.errors) return reject(new Error(JSON.stringify(msg.errors)));
            streamed.push((msg.data as any).webhookDelivery);
            if (streamed.length === 3) resolve();
          },
          error: reject,
          complete: () => {},
        },
      );
    });
    await waitForSubscriptions(t, 1); // the subscription is live

    await createWorkCenter(t);
    await waitFor(async () => (await deliveries(webhook.id))[0]?.status === 'SUCCESS', { what: 'success after retries' });
    const [delivery] = await deliveries(webhook.id);
    expect(r.on('/flaky')).toHaveLength(3);
    expect(new Set(r.on('/flaky').map((q) => q.headers['x-webhook-id']))).toEqual(new Set([delivery.id]));
    expect(delivery).toMatchObject({ status: 'SUCCESS', attempts: 3, responseStatus: 200, responseBody: 'finally', error: null });
    expect(delivery.deliveredAt).toBeTruthy();
    const log = delivery.attemptLog;
    expect(log.map((a: any) => [a.attempt, a.success, a.responseStatus])).toEqual([[1, false, 503], [2, false, 503], [3, true, 200]]);
    expect(log.filter((a: any) => a.success)).toHaveLength(1);
    expect(log[0].responseBody.length).toBeLessThanOrEqual(1024);
    expect(log[0].error).toBe('HTTP 503');
    // Backoff 150 ms, then 300 ms (no jitter here): no retry arrives before its delay is over.
    const at = r.on('/flaky').map((q) => q.at);
    const gaps = [at[1]! - at[0]!, at[2]! - at[1]!];
    expect(gaps[0]).toBeGreaterThanOrEqual(140);
    expect(gaps[1]).toBeGreaterThanOrEqual(290);

    await streamedAll;
    expect(streamed.map((e) => [e.attempt, e.success, e.status])).toEqual([[1, false, 'PENDING'], [2, false, 'PENDING'], [3, true, 'SUCCESS']]);
    // The delays grow: as scheduled, not as arrived (a busy machine can hold any one attempt up a while).
    expect(streamed.slice(0, 2).map((e) => Date.parse(e.nextAttemptAt) - Date.parse(e.at))).toEqual([150, 300]);
    expect(streamed[0].nextAttemptAt).toBeTruthy();
    expect(streamed[2]).toMatchObject({ webhookId: webhook.id, deliveryId: delivery.id, eventType: 'work_center.created', responseStatus: 200, nextAttemptAt: null });
  });

  it('cuts a hanging receiver at the timeout and fails the delivery once retries are spent', async () => {
    const r = await receiver(() => new Promise(() => {})); // never answers
    const { webhook } = await createWebhook({ url: `${r.url}/hang`, events: ['work_center.created'], timeoutMs: 300, retryCount: 1 });
    const started = Date.now();
    await createWorkCenter(t);
    await waitFor(async () => (await deliveries(webhook.id))[0]?.status === 'DEAD', { what: 'the delivery to fail', timeoutMs: 15_000 });
    const [delivery] = await deliveries(webhook.id);
    expect(delivery).toMatchObject({ status: 'DEAD', attempts: 2, responseStatus: null, error: 'timed out after 300 ms', deliveredAt: null, nextAttemptAt: null });
    for (const attempt of delivery.attemptLog) {
      expect(attempt.durationMs).toBeGreaterThanOrEqual(290);
      expect(attempt.durationMs).toBeLessThan(2000);
    }
    expect(r.on('/hang')).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('does not follow a redirect', async () => {
    const target = await receiver();
    const r = await receiver((_req, _i, res) => void res.writeHead(307, { location: `${target.url}/elsewhere` }).end());
    const { webhook } = await createWebhook({ url: `${r.url}/moved`, events: ['work_center.created'], retryCount: 0 });
    await createWorkCenter(t);
    await waitFor(async () => (await deliveries(webhook.id))[0]?.status === 'DEAD', { what: 'the redirect to fail' });
    const [delivery] = await deliveries(webhook.id);
    expect(delivery.responseStatus).toBe(307);
    expect(delivery.error).toMatch(/redirect \(307 to http:\/\/127\.0\.0\.1:\d+\/elsewhere\) not followed/);
    expect(target.received).toHaveLength(0);
  });

  it('redelivers as a new delivery with the same body and event id', async () => {
    const r = await receiver();
    const { webhook } = await createWebhook({ url: `${r.url}/again`, events: ['work_center.created'] });
    await createWorkCenter(t);
    await waitFor(() => r.on('/again').length === 1, { what: 'the first delivery' });
    const [original] = await deliveries(webhook.id);
    const redelivered = dataOf(
      await t.gql(`mutation($id: ID!) { redeliverWebhookDelivery(input: { id: $id }) { delivery { id eventId status body } ${ERRORS} } }`, { id: original.id }),
    ).redeliverWebhookDelivery;
    expect(redelivered.errors).toEqual([]);
    expect(redelivered.delivery).toMatchObject({ eventId: original.eventId, status: 'PENDING', body: original.body });
    expect(redelivered.delivery.id).not.toBe(original.id);
    await waitFor(() => r.on('/again').length === 2, { what: 'the redelivery' });
    const [first, second] = r.on('/again');
    expect(second!.headers['x-webhook-id']).toBe(redelivered.delivery.id);
    expect(second!.body).toBe(first!.body);
    expect(JSON.parse(second!.body).id).toBe(original.eventId);
    const log = await deliveries(webhook.id);
    expect(log.map((d) => d.id)).toEqual([redelivered.delivery.id, original.id]); // newest first
    await waitFor(async () => (await deliveries(webhook.id, ', status: SUCCESS')).length === 2, { what: 'both successful' });

    const missing = dataOf(await t.gql(`mutation { redeliverWebhookDelivery(input: { id: "00000000-0000-4000-8000-000000000000" }) { delivery { id } ${ERRORS} } }`))
      .redeliverWebhookDelivery;
    expect(missing.errors[0].code).toBe('NOT_FOUND');
  });
});

describe('POST /webhooks/test', () => {
  it('verifies a captured delivery with X-Test-Secret or the stored secret (ADMIN), and echoes it', async () => {
    const r = await receiver();
    const { webhook, secret } = await createWebhook({ url: `${r.url}/echo`, events: ['work_center.created'] });
    await createWorkCenter(t);
    const [got] = await waitFor(() => (r.on('/echo').length ? r.on('/echo') : null), { what: 'a delivery' });
    const replay = (headers: Record<string, string>, query = '', body = got!.body) => {
      const forwarded = Object.fromEntries(
        ['content-type', 'x-webhook-event', 'x-webhook-id', 'x-webhook-timestamp', 'x-webhook-signature', 'webhook-id', 'webhook-timestamp', 'webhook-signature'].map((k) => [k, String(got!.headers[k])]),
      );
      return fetch(`${t.url}/webhooks/test${query}`, { method: 'POST', headers: { ...forwarded, ...headers }, body });
    };

    const ok = await replay({ 'x-test-secret': secret });
    expect(ok.status).toBe(200);
    const echo = await ok.json();
    expect(echo).toMatchObject({
      valid: true,
      signatures: { xWebhookSignature: true, standardWebhooks: true },
      event: 'work_center.created',
      id: got!.headers['x-webhook-id'],
      timestamp: Number(got!.headers['x-webhook-timestamp']),
      body: JSON.parse(got!.body),
    });

    const wrong = await replay({ 'x-test-secret': 'another-secret-of-24-characters' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ valid: false, signatures: { xWebhookSignature: false, standardWebhooks: false } });
    const tampered = await replay({ 'x-test-secret': secret }, '', got!.body.replace('"data"', '"datA"'));
    expect((await tampered.json()).valid).toBe(false);

    const stored = await replay({ authorization: `Bearer ${t.adminToken}` }, `?webhookId=${webhook.id}`);
    expect(stored.status).toBe(200);
    expect((await stored.json()).valid).toBe(true);
    expect((await replay({}, `?webhookId=${webhook.id}`)).status).toBe(401);
    expect((await replay({ authorization: `Bearer ${await t.tokenFor('OPERATOR')}` }, `?webhookId=${webhook.id}`)).status).toBe(403);
    expect((await replay({})).status).toBe(400);
    expect((await fetch(`${t.url}/webhooks/test`)).status).toBe(405);
  });
});
