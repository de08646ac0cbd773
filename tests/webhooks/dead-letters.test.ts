/**
 * Dead letters: a delivery whose retries are spent is DEAD, listed by webhookDeliveries' filter,
 * and replayWebhookDeliveries sends every match again in the background (a task), once: new
 * delivery ids, the original bodies; the same request while the first runs is the same task.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { createWorkCenter } from '../helpers/production.js';
import { waitForTask } from '../tasks/task-helpers.js';
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
  const r = dataOf(await t.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } ${ERRORS} } }`, { i: input })).createWebhook;
  if (r.errors.length) throw new Error(JSON.stringify(r.errors));
  return r.webhook.id as string;
}

async function listed(filter: Record<string, unknown>) {
  const r = await t.gql(`query($f: WebhookDeliveryFilter) { webhookDeliveries(filter: $f) { totalCount edges { node { id status eventType body replayedAt } } } }`, { f: filter });
  return r;
}

describe('dead letters', () => {
  it('a delivery whose retries are spent is DEAD; the filter lists it; a bulk replay sends each once with a new id and the original body', async () => {
    let failing = true;
    const r = await startReceiver((_req, _i, res) => void res.writeHead(failing ? 500 : 200).end());
    receivers.push(r);
    const webhookId = await createWebhook({ url: `${r.url}/dead`, events: ['work_center.created'], retryCount: 1 });
    const before = new Date();
    for (let i = 0; i < 3; i++) await createWorkCenter(t);
    const prisma = t.app.services.prisma;
    await waitFor(async () => (await prisma.webhookDelivery.count({ where: { subscriptionId: webhookId, status: { not: 'PENDING' } } })) === 3, { what: 'retries to be spent' });

    const dead = dataOf(await listed({ webhookId, status: 'DEAD', eventTypes: ['work_center.created'], since: before.toISOString() })).webhookDeliveries;
    expect(dead.totalCount).toBe(3);
    expect(dead.edges.map((e: any) => e.node.status)).toEqual(['DEAD', 'DEAD', 'DEAD']);
    expect(dataOf(await listed({ webhookId, eventTypes: ['batch.created'] })).webhookDeliveries.totalCount).toBe(0);
    expect(dataOf(await listed({ webhookId, until: before.toISOString() })).webhookDeliveries.totalCount).toBe(0);
    const bad = await listed({ webhookId, since: new Date().toISOString(), until: before.toISOString() });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const unknown = await listed({ eventTypes: ['batch.exploded'] });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    failing = false;
    const replay = (filter: Record<string, unknown>) =>
      t.gql(`mutation($i: ReplayWebhookDeliveriesInput!) { replayWebhookDeliveries(input: $i) { task { id kind } ${ERRORS} } }`, { i: { webhookId, filter } });
    // Twice at once, on the same filter: one task.
    const [a, b] = (await Promise.all([replay({ status: 'DEAD' }), replay({ status: 'DEAD' })])).map((x) => dataOf(x).replayWebhookDeliveries);
    expect(a.errors).toEqual([]);
    expect(a.task.kind).toBe('replayWebhookDeliveries');
    expect(b.task.id).toBe(a.task.id);
    const task = await waitForTask(t, a.task.id);
    expect(task.status).toBe('SUCCESS');
    expect(task.result.replayed).toBe(3);
    expect(task.result.deliveryIds).toHaveLength(3);
    await waitFor(() => r.on('/dead').filter((q) => task.result.deliveryIds.includes(q.headers['webhook-id'])).length === 3, { what: 'the replays' });

    // A delivery's outcome is recorded after its receiver answered (outcomes are written in groups): wait for the record.
    await waitFor(async () => (await prisma.webhookDelivery.count({ where: { id: { in: task.result.deliveryIds }, status: { not: 'PENDING' } } })) === 3, { what: 'the replays recorded' });
    const originals = await prisma.webhookDelivery.findMany({ where: { subscriptionId: webhookId, replayOf: null }, orderBy: { createdAt: 'asc' } });
    const replays = await prisma.webhookDelivery.findMany({ where: { id: { in: task.result.deliveryIds } } });
    expect(replays.map((d) => d.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(new Set(replays.map((d) => d.body))).toEqual(new Set(originals.map((d) => d.body)));
    expect(originals.every((d) => d.status === 'DEAD' && d.replayedAt)).toBe(true);

    // A dead letter is replayed once: the same filter again finds nothing left to replay.
    const again = dataOf(await replay({ status: 'DEAD' })).replayWebhookDeliveries;
    expect(again.task.id).not.toBe(a.task.id);
    expect((await waitForTask(t, again.task.id)).result.replayed).toBe(0);

    // Refusals change nothing.
    const refused = dataOf(await t.gql(`mutation { replayWebhookDeliveries(input: { webhookId: "00000000-0000-4000-8000-000000000000", filter: {} }) { task { id } ${ERRORS} } }`))
      .replayWebhookDeliveries;
    expect(refused.task).toBeNull();
    expect(refused.errors[0]).toMatchObject({ code: 'NOT_FOUND' });
  });
});
