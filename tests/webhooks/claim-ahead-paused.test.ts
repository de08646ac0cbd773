/**
 * The worker claims ahead (webhook.worker.ts): a delivery may wait in its buffer while another
 * instance pauses its webhook (that instance heard a 429/503 with Retry-After and wrote
 * pausedUntil; here a direct update of the row, which this instance hears nothing about). A
 * buffered delivery is not sent during that pause once the worker's view of the webhook has expired
 * (RECHECK_MS after the pause was written, the documented bound): it goes back uncounted and is
 * claimed again once the pause is over.
 */
import { expect, it } from 'vitest';
import { waitFor } from '../helpers/catalog.js';
import { RECHECK_MS } from '../../src/modules/webhooks/webhook.worker.js';
import { bufferedDeliveries, EVENTS, oneSlotScenario, sentOrHandedBack } from './claim-ahead.js';

const scenario = oneSlotScenario();

it('deliveries claimed ahead of a webhook paused by another instance are not sent during the pause', { timeout: 30_000 }, async () => {
  const { t, r, release } = scenario;
  const prisma = t.app.services.prisma;
  const id = await bufferedDeliveries(t, t, r, '/paused');
  // Another instance's worker heard a Retry-After: it writes the pause, and this instance is not told.
  await prisma.$executeRaw`UPDATE "WebhookSubscription" SET "pausedUntil" = now() + interval '1 hour' WHERE id = ${id}::uuid`;
  const pausedAt = Date.now();
  await waitFor(() => Date.now() > pausedAt + RECHECK_MS, { what: 'the bound within which a change by another instance is honoured' });
  release();
  expect(await sentOrHandedBack(t, r, id, '/paused')).toEqual({ success: 1, requests: 1 });

  // The pause ends (here: lifted): what was handed back goes out, each once.
  await prisma.$executeRaw`UPDATE "WebhookSubscription" SET "pausedUntil" = NULL WHERE id = ${id}::uuid`;
  await waitFor(async () => (await prisma.webhookDelivery.count({ where: { subscriptionId: id, status: 'SUCCESS' } })) === EVENTS, { what: 'every delivery after the pause' });
  expect(new Set(r.on('/paused').map((q) => q.headers['webhook-id'])).size).toBe(EVENTS);
  expect(r.on('/paused')).toHaveLength(EVENTS);
});
