/**
 * order.created announces orders that arrive while Stockline watches an account, not the history
 * an account's first sync imports: connecting a marketplace with 40 past orders must not send 40
 * webhooks. Later syncs announce exactly the orders new to Stockline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, waitFor } from '../helpers/catalog.js';
import { syncNow } from '../helpers/sync.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import type { DomainEvent } from '../../src/events/event-types.js';

let t: TestApp;
let sim: Simulator;
const events: DomainEvent[] = [];
let listening: ReturnType<TestApp['app']['services']['events']['subscribe']>;

beforeAll(async () => {
  t = await startTestApp();
  sim = await startFastSimulator('STOREFRONT', { offers: 20, orders: 40, seed: 21 });
  listening = t.app.services.events.subscribe(['order.created', 'sync.completed']);
  void (async () => {
    for await (const event of listening) events.push(event);
  })();
});
afterAll(async () => {
  await listening?.return(undefined);
  await t?.close();
  await sim?.stop();
});

const completedRuns = () => events.filter((e) => e.type === 'sync.completed').map((e) => (e.payload as { runId: string }).runId);

describe('order.created', () => {
  it('is not sent for the orders of the first import, and is sent once for each order that arrives later', async () => {
    const accountId = await createSimAccount(t, sim, 'orders shop');
    const first = await syncNow(t, accountId, { scope: 'ORDERS', mode: 'FULL' });
    expect(first).toMatchObject({ status: 'SUCCESS', created: 40 });
    await waitFor(() => completedRuns().includes(first.id), { what: 'the first sync.completed' });
    expect(events.filter((e) => e.type === 'order.created')).toEqual([]);
    expect(await t.app.services.prisma.order.count({ where: { accountId } })).toBe(40);

    const drift = sim.drift({ count: 0, orders: { created: 3, updated: 0 } });
    expect(drift.orders.created).toHaveLength(3);
    const second = await syncNow(t, accountId, { scope: 'ORDERS', mode: 'INCREMENTAL' });
    expect(second).toMatchObject({ status: 'SUCCESS', created: 3 });
    await waitFor(() => completedRuns().includes(second.id), { what: 'the second sync.completed' });
    const announced = events.filter((e) => e.type === 'order.created').map((e) => (e.payload as { orderId: string }).orderId);
    const newest = await t.app.services.prisma.order.findMany({ where: { accountId }, orderBy: { createdAt: 'desc' }, take: 3, select: { id: true, createdAt: true } });
    expect(new Set(announced)).toEqual(new Set(newest.map((o) => o.id)));
    expect(announced).toHaveLength(3);
  });
});
