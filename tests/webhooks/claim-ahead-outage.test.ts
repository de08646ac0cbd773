/**
 * The worker claims ahead (webhook.worker.ts): deliveries it holds count against their webhook's
 * maxPerSecond until sent or handed back. When the database fails in the middle of a claim (an
 * outage: here one statement of the claim round fails, as a dropped connection makes it), the
 * deliveries that round held come back when their lease ends, and this same worker sends them:
 * nothing stays counted for a webhook that no longer has anything here.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { transact } from '../../src/db/transaction.js';
import { createWebhookThroughApi } from './create-webhook.js';
import { startReceiver, type Receiver } from './receiver.js';

let t: TestApp;
let r: Receiver;

beforeAll(async () => {
  t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { webhookWorker: { baseDelayMs: 50, pollMs: 100, leaseMarginMs: 500, random: () => 0.5 } });
  r = await startReceiver();
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t?.close();
  await r?.close();
});

it('a paced webhook is sent again by the same worker after a claim round failed mid-way', { timeout: 30_000 }, async () => {
  const prisma = t.app.services.prisma;
  const webhookId = await createWebhookThroughApi(t, { url: `${r.url}/paced`, events: ['batch.import_completed'], ordered: false, maxPerSecond: 1, timeoutMs: 1000 });

  // The first hand-back (the deliveries claimed beyond the webhook's pace) fails as if the connection dropped.
  const executeRaw = prisma.$executeRaw.bind(prisma);
  let failed = 0;
  vi.spyOn(prisma, '$executeRaw').mockImplementation(((query: TemplateStringsArray, ...values: unknown[]) => {
    if (failed === 0 && query.join('?').includes('attempts - 1')) {
      failed++;
      return Promise.reject(new Error('Connection terminated unexpectedly'));
    }
    return executeRaw(query, ...values);
  }) as typeof prisma.$executeRaw);

  await transact(t.app.services, 'test', async (_tx, e) => {
    for (let n = 0; n < 3; n++) e('batch.import_completed', { taskId: `outage-${n}`, n });
  });
  await waitFor(() => failed === 1, { what: 'the failed hand-back' });
  // Their leases (1000 + 500 ms) end; the worker claims them again and sends each one.
  await waitFor(async () => (await prisma.webhookDelivery.count({ where: { subscriptionId: webhookId, status: 'SUCCESS' } })) === 3, {
    timeoutMs: 15_000,
    what: 'every paced delivery sent after the failed round',
  });
  expect(new Set(r.on('/paced').map((q) => q.headers['webhook-id'])).size).toBe(3);
});
