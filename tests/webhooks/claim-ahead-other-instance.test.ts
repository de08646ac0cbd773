/**
 * Instances sharing the event bus (Redis) hear each other's webhook changes at once: a webhook
 * disabled through one instance stops the deliveries another instance's worker claimed ahead for
 * it, without waiting for that worker's views to expire (recheckMs, here far longer than the test).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSharedDatabase, dataOf, startTestApp, type SharedDatabase, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { transact } from '../../src/db/transaction.js';
import { createWebhookThroughApi } from './create-webhook.js';
import { startReceiver, type Receiver } from './receiver.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const EVENTS = 5;
let shared: SharedDatabase;
let api: TestApp;
let worker: TestApp;
let r: Receiver;
let release!: () => void;
const held = new Promise<void>((resolve) => (release = resolve));

beforeAll(async () => {
  shared = await createSharedDatabase('webhook-changed');
  const env = { ...shared.env, REDIS_URL, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' };
  // The change is made here; it runs no webhook worker.
  api = await startTestApp({ ...env, ROLE: 'api' });
  // One slot: the first request holds it while the others wait claimed ahead. Its views of webhooks
  // never expire during the test: only the message from the other instance can drop them.
  worker = await startTestApp(env, { webhookWorker: { concurrency: 1, pollMs: 100, recheckMs: 60_000 } });
  r = await startReceiver(async (_req, i, res) => {
    if (i === 0) await held;
    res.writeHead(200).end();
  });
});
afterAll(async () => {
  release();
  await worker?.close();
  await api?.close();
  await r?.close();
  await shared?.drop();
});

it('a webhook disabled through another instance sends none of the deliveries claimed ahead for it', { timeout: 30_000 }, async () => {
  const prisma = worker.app.services.prisma;
  const id = await createWebhookThroughApi(api, { url: `${r.url}/elsewhere`, events: ['batch.import_completed'], ordered: false });
  await transact(api.app.services, 'test', async (_tx, e) => {
    for (let n = 0; n < EVENTS; n++) e('batch.import_completed', { taskId: `elsewhere-${n}`, n });
  });
  await waitFor(() => r.on('/elsewhere').length === 1, { what: 'the first request, holding the only slot' });
  expect(await prisma.webhookDelivery.count({ where: { subscriptionId: id, attempts: 1 } })).toBe(EVENTS);
  const updated = dataOf(
    await api.gql(`mutation($i: UpdateWebhookInput!) { updateWebhook(input: $i) { webhook { active } errors { code message } } }`, { i: { id, active: false } }),
  ).updateWebhook;
  expect(updated.errors).toEqual([]);
  release();
  await waitFor(
    async () => {
      const rows = await prisma.webhookDelivery.findMany({ where: { subscriptionId: id } });
      return rows.every((d) => d.status === 'SUCCESS' || (d.status === 'PENDING' && d.attempts === 0)) && rows;
    },
    { timeoutMs: 10_000, what: 'each delivery sent or handed back, none leased' },
  );
  const rows = await prisma.webhookDelivery.findMany({ where: { subscriptionId: id } });
  expect({ success: rows.filter((d) => d.status === 'SUCCESS').length, requests: r.on('/elsewhere').length }).toEqual({ success: 1, requests: 1 });
});
