/**
 * The claim-ahead scenario of webhook.worker.ts, shared by the tests of what happens to deliveries
 * waiting in a worker's buffer while their webhook changes: a receiver whose first request holds the
 * worker's only slot, and deliveries claimed with it that wait behind it.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { transact } from '../../src/db/transaction.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { createWebhookThroughApi } from './create-webhook.js';
import { startReceiver, type Receiver } from './receiver.js';

/** Deliveries of one scenario: the first is sent and held, the rest wait in the buffer. */
export const EVENTS = 5;

/** The worker options that make one request hold the only slot. */
export const ONE_SLOT = { concurrency: 1, pollMs: 100 } as const;

/** A receiver answering 200, except that its first request waits for `release()`. */
export async function holdingReceiver(): Promise<{ receiver: Receiver; release: () => void }> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const receiver = await startReceiver(async (_req, i, res) => {
    if (i === 0) await held;
    res.writeHead(200).end();
  });
  return { receiver, release };
}

/** The file's app (a one-slot worker) and holding receiver, started before its tests and closed after them. */
export function oneSlotScenario(): { t: TestApp; r: Receiver; release: () => void } {
  const scenario = { release: () => {} } as { t: TestApp; r: Receiver; release: () => void };
  beforeAll(async () => {
    scenario.t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { webhookWorker: ONE_SLOT });
    const { receiver, release } = await holdingReceiver();
    Object.assign(scenario, { r: receiver, release });
  });
  afterAll(async () => {
    scenario.release();
    await scenario.t?.close();
    await scenario.r?.close();
  });
  return scenario;
}

/**
 * Makes an unordered webhook to `path` through `api`, commits EVENTS events in one transaction and
 * waits until the first is being received while `worker` holds all of them claimed (one claim round);
 * returns the webhook's id.
 */
export async function bufferedDeliveries(api: TestApp, worker: TestApp, receiver: Receiver, path: string): Promise<string> {
  const id = await createWebhookThroughApi(api, { url: `${receiver.url}${path}`, events: ['batch.import_completed'], ordered: false });
  await transact(api.app.services, 'test', async (_tx, e) => {
    for (let n = 0; n < EVENTS; n++) e('batch.import_completed', { taskId: `${path}-${n}`, n });
  });
  await waitFor(() => receiver.on(path).length === 1, { what: 'the first request, holding the only slot' });
  expect(await worker.app.services.prisma.webhookDelivery.count({ where: { subscriptionId: id, attempts: 1 } })).toBe(EVENTS);
  return id;
}

/**
 * Once the held request is released: waits until each delivery was sent or handed back uncounted
 * (none leased any more) and says how many succeeded and how many requests the receiver got.
 */
export async function sentOrHandedBack(worker: TestApp, receiver: Receiver, id: string, path: string): Promise<{ success: number; requests: number }> {
  const prisma = worker.app.services.prisma;
  const rows = await waitFor(
    async () => {
      const found = await prisma.webhookDelivery.findMany({ where: { subscriptionId: id } });
      return found.every((d) => d.status === 'SUCCESS' || (d.status === 'PENDING' && d.attempts === 0)) ? found : null;
    },
    { timeoutMs: 10_000, what: 'each delivery sent or handed back, none leased' },
  );
  return { success: rows.filter((d) => d.status === 'SUCCESS').length, requests: receiver.on(path).length };
}
