/**
 * Throttling: a receiver's 429 (or 503) with Retry-After pauses that endpoint without spending an
 * attempt, and maxPerSecond paces a webhook's requests through the shared rate limiter.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { transact } from '../../src/db/transaction.js';
import { startReceiver, type Receiver } from './receiver.js';

const ERRORS = 'errors { code message field }';

let t: TestApp;
const receivers: Receiver[] = [];

beforeAll(async () => {
  t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { webhookWorker: { baseDelayMs: 50, pollMs: 100, random: () => 0.5 } });
});
afterEach(async () => {
  await t.app.services.prisma.webhookSubscription.deleteMany();
});
afterAll(async () => {
  await t?.close();
  await Promise.all(receivers.map((r) => r.close()));
});

async function createWebhook(input: Record<string, unknown>) {
  const r = dataOf(await t.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id maxPerSecond } ${ERRORS} } }`, { i: input })).createWebhook;
  if (r.errors.length) throw new Error(JSON.stringify(r.errors));
  return r.webhook as { id: string; maxPerSecond: number | null };
}

const emit = (n: number) => transact(t.app.services, 'test', async (_tx, e) => e('batch.import_completed', { taskId: `t-${n}`, n }));

describe('throttling', () => {
  it('429 with Retry-After: 2 pauses the endpoint for 2 s and does not count an attempt', { timeout: 20_000 }, async () => {
    const r = await startReceiver((_req, i, res) => void (i === 0 ? res.writeHead(429, { 'retry-after': '2' }).end() : res.writeHead(200).end()));
    receivers.push(r);
    const webhook = await createWebhook({ url: `${r.url}/slow`, events: ['batch.import_completed'], ordered: false, retryCount: 0 });
    await emit(1);
    await waitFor(() => r.on('/slow').length === 1, { what: 'the throttled request' });
    await emit(2);
    await waitFor(() => r.on('/slow').length === 3, { timeoutMs: 10_000, what: 'both deliveries after the pause' });
    const [first, ...rest] = r.on('/slow');
    for (const later of rest) expect(later.at - first!.at).toBeGreaterThanOrEqual(2000);
    const prisma = t.app.services.prisma;
    await waitFor(async () => (await prisma.webhookDelivery.count({ where: { subscriptionId: webhook.id, status: 'SUCCESS' } })) === 2, { what: 'both recorded' });
    const rows = await prisma.webhookDelivery.findMany({ where: { subscriptionId: webhook.id } });
    // retryCount 0: had the 429 counted, the first delivery would be DEAD.
    expect(rows.map((d) => [d.status, d.attempts])).toEqual([['SUCCESS', 1], ['SUCCESS', 1]]);
  });

  it('maxPerSecond paces requests: 12 deliveries at 4 per second take about 3 s', { timeout: 20_000 }, async () => {
    const r = await startReceiver();
    receivers.push(r);
    const webhook = await createWebhook({ url: `${r.url}/paced`, events: ['batch.import_completed'], ordered: false, maxPerSecond: 4 });
    expect(webhook.maxPerSecond).toBe(4);
    await transact(t.app.services, 'test', async (_tx, e) => {
      for (let n = 0; n < 12; n++) e('batch.import_completed', { taskId: `p-${n}`, n });
    });
    await waitFor(() => r.on('/paced').length === 12, { timeoutMs: 15_000, what: 'every paced delivery' });
    const times = r.on('/paced').map((q) => q.at).sort((a, b) => a - b);
    // Slots are 1000 / (4 · 0.97) = 258 ms apart: any 5 in a row span 4 slots (a new connection's setup jitters single gaps)...
    for (let i = 4; i < times.length; i++) expect(times[i]! - times[i - 4]!).toBeGreaterThanOrEqual(900);
    // ...and at most 4 per second over the run (unpaced, 12 loopback requests take a few ms).
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(11 * 240);
  });
});
