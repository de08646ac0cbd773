/**
 * The worker claims ahead (webhook.worker.ts): a delivery may wait in its buffer while the webhook
 * changes. One the user disabled meanwhile (or deleted, paused from another instance, gave a new
 * secret or URL) is not sent as it was claimed: it goes back uncounted, and is claimed again as
 * the webhook now is (a disabled one: after the re-enable).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { transact } from '../../src/db/transaction.js';
import { createWebhookThroughApi } from './create-webhook.js';
import { startReceiver, type Receiver } from './receiver.js';

const EVENTS = 5;
let t: TestApp;
let r: Receiver;
let release!: () => void;
const held = new Promise<void>((resolve) => (release = resolve));

beforeAll(async () => {
  // One slot: the first request holds it while the others wait claimed ahead.
  t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { webhookWorker: { concurrency: 1, pollMs: 100 } });
  r = await startReceiver(async (_req, i, res) => {
    if (i === 0) await held;
    res.writeHead(200).end();
  });
});
afterAll(async () => {
  release();
  await t?.close();
  await r?.close();
});

it('deliveries claimed ahead of a webhook disabled meanwhile are not sent; they wait for the re-enable', { timeout: 30_000 }, async () => {
  const prisma = t.app.services.prisma;
  const id = await createWebhookThroughApi(t, { url: `${r.url}/changed`, events: ['batch.import_completed'], ordered: false });
  await transact(t.app.services, 'test', async (_tx, e) => {
    for (let n = 0; n < EVENTS; n++) e('batch.import_completed', { taskId: `changed-${n}`, n });
  });
  await waitFor(() => r.on('/changed').length === 1, { what: 'the first request, holding the only slot' });
  // Claimed with the first, in one round: the others wait in the buffer.
  expect(await prisma.webhookDelivery.count({ where: { subscriptionId: id, attempts: 1 } })).toBe(EVENTS);
  const updated = dataOf(
    await t.gql(`mutation($i: UpdateWebhookInput!) { updateWebhook(input: $i) { webhook { active } errors { code message } } }`, { i: { id, active: false } }),
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
  expect({ success: rows.filter((d) => d.status === 'SUCCESS').length, requests: r.on('/changed').length }).toEqual({ success: 1, requests: 1 });
});
