/**
 * Ordering per key: deliveries with the same ordering key to one webhook are sent one at a time in
 * commit order (the body's sequence), keys in parallel; an unordered webhook gets them in
 * parallel. A DEAD head skips (default) or holds its key until it is replayed.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { transact } from '../../src/db/transaction.js';
import { waitForTask } from '../tasks/task-helpers.js';
import { startReceiver, type Receiver, type Received } from './receiver.js';

const ERRORS = 'errors { code message field }';
const KEYS = 10;
const PER_KEY = 20;

let t: TestApp;
const receivers: Receiver[] = [];

beforeAll(async () => {
  t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_CONCURRENCY: '16' }, { webhookWorker: { baseDelayMs: 30, maxDelayMs: 200, pollMs: 100, random: () => 0.5 } });
});
afterEach(async () => {
  await t.app.services.prisma.webhookSubscription.deleteMany();
});
afterAll(async () => {
  await t?.close();
  await Promise.all(receivers.map((r) => r.close()));
});

async function createWebhook(input: Record<string, unknown>) {
  const r = dataOf(await t.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id ordered deadLetterPolicy } ${ERRORS} } }`, { i: input })).createWebhook;
  if (r.errors.length) throw new Error(JSON.stringify(r.errors));
  return r.webhook as { id: string; ordered: boolean; deadLetterPolicy: string };
}

/** Emits `work_center.updated` about `id` in its own transaction, with `n` in the data. */
const emitUpdate = (id: string, n: number) => transact(t.app.services, 'test', async (_tx, emit) => emit('work_center.updated', { workCenter: { id }, n }));

const bodyOf = (r: Received) => JSON.parse(r.body) as { orderingKey: string; sequence: number; data: { n: number; workCenter: { id: string } } };

describe('ordering per key', () => {
  it('200 events on 10 keys, 30 % of first attempts failing: each key in commit order to the ordered webhook, in parallel to the unordered one', { timeout: 60_000 }, async () => {
    const inFlight = new Map<string, number>();
    const maxInFlight = new Map<string, number>();
    const seen = new Set<string>();
    const r = await startReceiver(async (req, _i, res) => {
      const { orderingKey } = bodyOf(req);
      const slot = `${req.path} ${orderingKey}`;
      inFlight.set(slot, (inFlight.get(slot) ?? 0) + 1);
      maxInFlight.set(req.path, Math.max(maxInFlight.get(req.path) ?? 0, inFlight.get(slot)!));
      await new Promise((resolve) => setTimeout(resolve, 15));
      inFlight.set(slot, inFlight.get(slot)! - 1);
      const id = `${req.path} ${String(req.headers['webhook-id'])}`;
      const first = !seen.has(id);
      seen.add(id);
      // 30 % of first attempts fail, chosen by the delivery id's hash (deterministic per delivery).
      const fails = first && createHash('sha256').update(id).digest()[0]! % 10 < 3;
      res.writeHead(fails ? 500 : 200).end();
    });
    receivers.push(r);
    const ordered = await createWebhook({ url: `${r.url}/ordered`, events: ['work_center.updated'] });
    expect(ordered).toMatchObject({ ordered: true, deadLetterPolicy: 'SKIP' });
    const unordered = await createWebhook({ url: `${r.url}/unordered`, events: ['work_center.updated'], ordered: false });
    expect(unordered.ordered).toBe(false);

    const keys = Array.from({ length: KEYS }, () => randomUUID());
    // Each key's events one after another, the keys at once.
    await Promise.all(keys.map(async (id) => {
      for (let n = 0; n < PER_KEY; n++) await emitUpdate(id, n);
    }));
    const total = KEYS * PER_KEY;
    const accepted = (path: string) => {
      const ok = new Map<string, Received>();
      for (const q of r.on(path)) ok.set(String(q.headers['webhook-id']), q);
      return ok;
    };
    const prisma = t.app.services.prisma;
    await waitFor(async () => (await prisma.webhookDelivery.count({ where: { status: 'SUCCESS' } })) === 2 * total, { timeoutMs: 45_000, what: 'every delivery' });
    expect(accepted('/ordered').size).toBe(total);

    for (const id of keys) {
      const requests = r.on('/ordered').map(bodyOf).filter((b) => b.data.workCenter.id === id);
      // Sequence 1..20 in the order emitted, and every request (retries included) in that order.
      expect(requests.map((b) => b.orderingKey)).toEqual(requests.map(() => `work_center:${id}`));
      const sequences = requests.map((b) => b.sequence);
      expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
      expect([...new Set(sequences)]).toEqual(Array.from({ length: PER_KEY }, (_, i) => i + 1));
      expect([...new Set(requests.map((b) => b.data.n))]).toEqual(Array.from({ length: PER_KEY }, (_, i) => i));
    }
    expect(r.on('/ordered').length).toBeGreaterThan(total); // some first attempts did fail
    expect(maxInFlight.get('/ordered')).toBe(1); // one request per key at a time
    expect(maxInFlight.get('/unordered')).toBeGreaterThan(1); // the same key in parallel
  });

  it('a DEAD head: SKIP sends the key on, HOLD waits until the dead letter is replayed, then sends the key in order', { timeout: 30_000 }, async () => {
    let failFirst = true;
    const r = await startReceiver((req, _i, res) => void res.writeHead(failFirst && bodyOf(req).data.n === 0 ? 500 : 200).end());
    receivers.push(r);
    const skip = await createWebhook({ url: `${r.url}/skip`, events: ['work_center.updated'], retryCount: 0 });
    const hold = await createWebhook({ url: `${r.url}/hold`, events: ['work_center.updated'], retryCount: 0, deadLetterPolicy: 'HOLD' });
    expect(hold.deadLetterPolicy).toBe('HOLD');
    const id = randomUUID();
    for (let n = 0; n < 3; n++) await emitUpdate(id, n);

    const ns = (path: string) => r.on(path).map((q) => bodyOf(q).data.n);
    await waitFor(() => ns('/skip').length === 3, { what: 'the skip webhook to send the key on' });
    expect(ns('/skip')).toEqual([0, 1, 2]);
    await waitFor(async () => (await t.app.services.prisma.webhookDelivery.count({ where: { subscriptionId: hold.id, status: 'DEAD' } })) === 1, { what: 'the held head to be dead' });
    // The hold webhook's worker has had the same chances as the skip one's: its key waits.
    expect(ns('/hold')).toEqual([0]);

    failFirst = false;
    const replay = dataOf(await t.gql(`mutation($i: ReplayWebhookDeliveriesInput!) { replayWebhookDeliveries(input: $i) { task { id } ${ERRORS} } }`, { i: { webhookId: hold.id } })).replayWebhookDeliveries;
    expect((await waitForTask(t, replay.task.id)).result.replayed).toBe(1);
    await waitFor(() => ns('/hold').length === 4, { what: 'the held key to go' });
    expect(ns('/hold')).toEqual([0, 0, 1, 2]);
  });
});
