/**
 * A receiver's 429 pauses its endpoint at once on this worker, not only once the pause is written:
 * a delivery created while the pause is being recorded is not sent meanwhile. The write is held here
 * (a lock on the webhook's row that blocks updates but not the deliveries' foreign keys, as a slow
 * database would) to make the window as wide as a loaded
 * machine made it (the throttle test saw the second request 154 ms after the 429). PostgreSQL only:
 * the lock is held from a second connection.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { transact } from '../../src/db/transaction.js';
import { createWebhookThroughApi } from './create-webhook.js';
import { startReceiver, type Receiver } from './receiver.js';

let t: TestApp;
let r: Receiver;

beforeAll(async () => {
  t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { webhookWorker: { baseDelayMs: 50, pollMs: 100, random: () => 0.5 } });
  r = await startReceiver((_req, i, res) => void (i === 0 ? res.writeHead(429, { 'retry-after': '2' }).end() : res.writeHead(200).end()));
});
afterAll(async () => {
  await t?.close();
  await r?.close();
});

const emit = (n: number) => transact(t.app.services, 'test', async (_tx, e) => e('batch.import_completed', { taskId: `t-${n}`, n }));

it('sends nothing more to an endpoint that answered 429 while its pause is still being written', { timeout: 30_000 }, async () => {
  const prisma = t.app.services.prisma;
  const webhookId = await createWebhookThroughApi(t, { url: `${r.url}/slow`, events: ['batch.import_completed'], ordered: false, retryCount: 0 });

  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked = false;
  const lock = prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "WebhookSubscription" WHERE id = ${webhookId}::uuid FOR NO KEY UPDATE`;
    locked = true;
    await held;
  }, { timeout: 25_000 });
  try {
    await waitFor(() => locked, { what: 'the webhook row locked' });
    await emit(1);
    await waitFor(() => r.on('/slow').length === 1, { what: 'the throttled request' });
    // The pause's write waits on the lock; a second delivery is created, and claim rounds pass over it.
    await emit(2);
    const second = await prisma.webhookDelivery.findFirstOrThrow({ where: { subscriptionId: webhookId }, orderBy: { createdAt: 'desc' } });
    t.resetQueries();
    await waitFor(() => t.queries.filter((sql) => /SKIP LOCKED/.test(sql) && /"WebhookDelivery"/.test(sql)).length >= 3, { what: 'three claim rounds after the second delivery' });
    expect(second.status).toBe('PENDING');
  } finally {
    release();
    await lock.catch(() => undefined); // past its timeout only when a wait above already failed
  }
  await waitFor(() => r.on('/slow').length === 3, { timeoutMs: 10_000, what: 'both deliveries after the pause' });
  const [first, ...rest] = r.on('/slow');
  for (const later of rest) expect(later.at - first!.at).toBeGreaterThanOrEqual(2000);
});
