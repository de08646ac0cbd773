/**
 * HTTP 410 Gone disables a webhook at once (issue 19 item 4), and what waited for it stays pending
 * for the re-enable (replayed then, or not, as the user chooses). The worker claims ahead
 * (webhook.worker.ts): deliveries it already holds when the 410 arrives are handed back unsent and
 * uncounted, not sent to the gone endpoint one after another and dead-lettered.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { transact } from '../../src/db/transaction.js';
import { createWebhookThroughApi } from './create-webhook.js';
import { startReceiver, type Receiver } from './receiver.js';

const CONCURRENCY = 2;
const EVENTS = 10;

let t: TestApp;
let r: Receiver;

beforeAll(async () => {
  t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { webhookWorker: { concurrency: CONCURRENCY, baseDelayMs: 50, pollMs: 100, random: () => 0.5 } });
  r = await startReceiver((_req, _i, res) => void res.writeHead(410).end('gone'));
});
afterAll(async () => {
  await t?.close();
  await r?.close();
});

it('deliveries held by the worker when their endpoint answers 410 are not sent; they wait for the re-enable', { timeout: 30_000 }, async () => {
  const prisma = t.app.services.prisma;
  const webhookId = await createWebhookThroughApi(t, { url: `${r.url}/gone`, events: ['batch.import_completed'], ordered: false });

  // One commit: one claim round takes them all, CONCURRENCY to the slots and the rest ahead.
  await transact(t.app.services, 'test', async (_tx, e) => {
    for (let n = 0; n < EVENTS; n++) e('batch.import_completed', { taskId: `gone-${n}`, n });
  });
  await waitFor(async () => !(await prisma.webhookSubscription.findUniqueOrThrow({ where: { id: webhookId } })).active, { what: 'the webhook disabled by the 410' });
  // Every delivery the 410 reached is dead; every other one is pending, its claim not counted, and not leased.
  await waitFor(
    async () => {
      const rows = await prisma.webhookDelivery.findMany({ where: { subscriptionId: webhookId } });
      return rows.every((d) => d.status === 'DEAD' || (d.status === 'PENDING' && d.attempts === 0)) && rows;
    },
    { timeoutMs: 10_000, what: 'each delivery dead (sent) or pending, none leased' },
  );
  const rows = await prisma.webhookDelivery.findMany({ where: { subscriptionId: webhookId } });
  const dead = rows.filter((d) => d.status === 'DEAD').length;
  expect(r.on('/gone').length).toBe(dead);
  // Only the requests out before the first answer (at most one per slot) reached the gone endpoint.
  expect(dead).toBeGreaterThanOrEqual(1);
  expect(dead).toBeLessThanOrEqual(CONCURRENCY);
  expect(rows.length - dead).toBe(EVENTS - dead);
});
