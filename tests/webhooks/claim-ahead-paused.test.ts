/**
 * The worker claims ahead (webhook.worker.ts): a delivery may wait in its buffer while another
 * instance pauses its webhook (that instance heard a 429/503 with Retry-After and wrote
 * pausedUntil; here a direct update of the row, which this instance hears nothing about). A
 * buffered delivery is not sent during that pause once the worker's view of the webhook has expired
 * (RECHECK_MS after the pause was written, the documented bound): it goes back uncounted and is
 * claimed again once the pause is over.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { transact } from '../../src/db/transaction.js';
import { RECHECK_MS } from '../../src/modules/webhooks/webhook.worker.js';
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

it('deliveries claimed ahead of a webhook paused by another instance are not sent during the pause', { timeout: 30_000 }, async () => {
  const prisma = t.app.services.prisma;
  const id = await createWebhookThroughApi(t, { url: `${r.url}/paused`, events: ['batch.import_completed'], ordered: false });
  await transact(t.app.services, 'test', async (_tx, e) => {
    for (let n = 0; n < EVENTS; n++) e('batch.import_completed', { taskId: `paused-${n}`, n });
  });
  await waitFor(() => r.on('/paused').length === 1, { what: 'the first request, holding the only slot' });
  // Claimed with the first, in one round: the others wait in the buffer.
  expect(await prisma.webhookDelivery.count({ where: { subscriptionId: id, attempts: 1 } })).toBe(EVENTS);
  // Another instance's worker heard a Retry-After: it writes the pause, and this instance is not told.
  await prisma.$executeRaw`UPDATE "WebhookSubscription" SET "pausedUntil" = now() + interval '1 hour' WHERE id = ${id}::uuid`;
  const pausedAt = Date.now();
  await waitFor(() => Date.now() > pausedAt + RECHECK_MS, { what: 'the bound within which a change by another instance is honoured' });
  release();
  await waitFor(
    async () => {
      const rows = await prisma.webhookDelivery.findMany({ where: { subscriptionId: id } });
      return rows.every((d) => d.status === 'SUCCESS' || (d.status === 'PENDING' && d.attempts === 0)) && rows;
    },
    { timeoutMs: 10_000, what: 'each delivery sent or handed back, none leased' },
  );
  const rows = await prisma.webhookDelivery.findMany({ where: { subscriptionId: id } });
  expect({ success: rows.filter((d) => d.status === 'SUCCESS').length, requests: r.on('/paused').length }).toEqual({ success: 1, requests: 1 });

  // The pause ends (here: lifted): what was handed back goes out, each once.
  await prisma.$executeRaw`UPDATE "WebhookSubscription" SET "pausedUntil" = NULL WHERE id = ${id}::uuid`;
  await waitFor(async () => (await prisma.webhookDelivery.count({ where: { subscriptionId: id, status: 'SUCCESS' } })) === EVENTS, { what: 'every delivery after the pause' });
  expect(new Set(r.on('/paused').map((q) => q.headers['webhook-id'])).size).toBe(EVENTS);
  expect(r.on('/paused')).toHaveLength(EVENTS);
});
