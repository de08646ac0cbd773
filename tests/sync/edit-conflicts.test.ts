/**
 * Issue 15 item 1: what a run did with users' unconfirmed edits that met a remote change
 * (SyncRun.conflicts, split into editsOverridden / editsKept / editsQueued), and the rule for a
 * value Stockline never pushes (order status): a remote value older than the edit never replaces
 * it, whatever the strategy; when the marketplace gives no modified time (Ozon postings), the edit
 * stands against a remote change until one is seen after a sync that followed the edit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulators/index.js';
import type { NeutralOrderStatus } from '../../src/simulators/shared/orders.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, waitFor } from '../helpers/catalog.js';
import { syncNow } from '../helpers/sync.js';

const COUNTS = 'conflicts editsOverridden editsKept editsQueued';
const NEXT: Partial<Record<NeutralOrderStatus, NeutralOrderStatus>> = { new: 'processing', processing: 'shipped', shipped: 'delivered', delivered: 'returned' };

let t: TestApp;
const prisma = () => t.app.services.prisma;

beforeAll(async () => {
  // Pushes fail once, then wait ten minutes: a price edit stays unconfirmed for the whole test.
  t = await startTestApp({}, { pushWorker: { baseDelayMs: 600_000, maxDelayMs: 600_000, connector: { retries: 0 } } });
});
afterAll(() => t?.close());

async function countsOf(runId: string) {
  return dataOf(await t.gql(`query($id: ID!) { syncRun(id: $id) { ${COUNTS} } }`, { id: runId })).syncRun;
}

async function setOrderStatus(orderId: string, status: string) {
  const r = dataOf(await t.gql(`mutation($i: UpdateOrderStatusInput!) { updateOrderStatus(input: $i) { errors { code message } } }`, { i: { orderId, status } })).updateOrderStatus;
  expect(r.errors).toEqual([]);
}

describe('storefront: per-strategy counts and remote values older than the edit', () => {
  let sim: Simulator;
  let accountId: string;
  const orderOf = (id: number) => prisma().order.findFirstOrThrow({ where: { accountId, externalId: String(id) } });
  /** Open orders nobody touched yet, in a stable order. */
  const untouched = new Set<number>();
  const nextOpenOrder = () => {
    const order = sim.orders.all().find((o) => NEXT[o.status] && !untouched.has(o.id))!;
    untouched.add(order.id);
    return order;
  };

  beforeAll(async () => {
    sim = await startFastSimulator('STOREFRONT', { offers: 30, orders: 40, seed: 27 });
    accountId = await createSimAccount(t, sim);
    expect(await syncNow(t, accountId, { scope: 'ALL', mode: 'FULL' })).toMatchObject({ status: 'SUCCESS', conflicts: 0 });
  });
  afterAll(() => sim?.stop());

  /** A local price edit whose push cannot land (outage), then a remote price change at `remoteAt`. */
  async function priceEditedBothSides(index: number, remoteAt: number) {
    const offer = sim.offer(sim.catalog.get(index).sku)!;
    const listing = await prisma().listing.findUniqueOrThrow({ where: { accountId_externalId: { accountId, externalId: offer.externalId } } });
    sim.setFaults({ outage: { from: 0, to: Date.now() + 3_600_000 } });
    const r = dataOf(await t.gql(`mutation($i: UpdateListingPriceInput!) { updateListingPrice(input: $i) { errors { code } } }`, { i: { listingId: listing.id, price: '999.00' } })).updateListingPrice;
    expect(r.errors).toEqual([]);
    await waitFor(async () => (await prisma().pushJob.count({ where: { listingId: listing.id, status: 'PENDING', lastError: { not: null } } })) === 1, { what: 'a failed push attempt', timeoutMs: 30_000 });
    sim.setFaults({});
    sim.catalog.update(index, { priceMinor: 12_300 + index }, remoteAt);
    return listing.id;
  }

  /** A local status edit (CANCELLED), then the storefront moves the order on at `remoteAt`. */
  async function statusEditedBothSides(remoteAt: number) {
    const order = nextOpenOrder();
    const stored = await orderOf(order.id);
    await setOrderStatus(stored.id, 'CANCELLED');
    sim.orders.setStatus(order.id, NEXT[order.status]!, remoteAt);
    return stored.id;
  }

  it('each strategy counts the edits it overrode, kept or queued; conflicts is their sum', async () => {
    const later = () => Date.now() + 1000;
    const cases = [
      { strategy: 'REMOTE_PRIORITY', counts: { conflicts: 2, editsOverridden: 2, editsKept: 0, editsQueued: 0 }, editStands: false },
      { strategy: 'LOCAL_PRIORITY', counts: { conflicts: 2, editsOverridden: 0, editsKept: 2, editsQueued: 0 }, editStands: true },
      { strategy: 'NEWEST_WINS', counts: { conflicts: 2, editsOverridden: 2, editsKept: 0, editsQueued: 0 }, editStands: false },
      { strategy: 'MANUAL', counts: { conflicts: 2, editsOverridden: 0, editsKept: 0, editsQueued: 2 }, editStands: true },
    ];
    for (const [n, c] of cases.entries()) {
      const listingId = await priceEditedBothSides(n + 1, later());
      const orderId = await statusEditedBothSides(later());
      const run = await syncNow(t, accountId, { scope: 'ALL', mode: 'FULL', conflictStrategy: c.strategy });
      expect(run.status, c.strategy).toBe('SUCCESS');
      expect(await countsOf(run.id), c.strategy).toEqual(c.counts);
      const listing = await prisma().listing.findUniqueOrThrow({ where: { id: listingId } });
      const order = await prisma().order.findUniqueOrThrow({ where: { id: orderId } });
      expect([listing.price.toFixed(2), order.status], c.strategy).toEqual(c.editStands ? ['999.00', 'CANCELLED'] : [listing.remotePrice.toFixed(2), order.remoteOrderStatus]);
    }
    // A run that met no remote change of an edited value counts nothing, though edits are still open.
    const quiet = await syncNow(t, accountId, { scope: 'ALL', mode: 'FULL', conflictStrategy: 'REMOTE_PRIORITY' });
    expect(await countsOf(quiet.id)).toEqual({ conflicts: 0, editsOverridden: 0, editsKept: 0, editsQueued: 0 });
  });

  it('an order status older than the edit never replaces it, under every strategy; a newer one follows the strategy', async () => {
    for (const strategy of ['REMOTE_PRIORITY', 'NEWEST_WINS', 'LOCAL_PRIORITY', 'MANUAL']) {
      // The storefront moved the order on a minute before the user's edit; the sync sees it only now.
      const order = nextOpenOrder();
      const stored = await orderOf(order.id);
      const moved = NEXT[order.status]!;
      sim.orders.setStatus(order.id, moved, Date.now() - 60_000);
      await setOrderStatus(stored.id, 'CANCELLED');
      const run = await syncNow(t, accountId, { scope: 'ORDERS', mode: 'FULL', conflictStrategy: strategy });
      expect(await countsOf(run.id), strategy).toEqual({ conflicts: 1, editsOverridden: 0, editsKept: 1, editsQueued: 0 });
      const after = await prisma().order.findUniqueOrThrow({ where: { id: stored.id } });
      expect(after, strategy).toMatchObject({ status: 'CANCELLED', remoteOrderStatus: moved.toUpperCase() });
      expect(after.statusEditedAt, strategy).not.toBeNull();
      expect(await prisma().syncConflict.count({ where: { orderId: stored.id } }), strategy).toBe(0);
    }
    // Moved on again after the edit: REMOTE_PRIORITY now takes the marketplace's status.
    const [last] = [...untouched].slice(-1);
    sim.orders.setStatus(last!, NEXT[sim.orders.get(last!)!.status] ?? 'returned', Date.now() + 1000);
    const run = await syncNow(t, accountId, { scope: 'ORDERS', mode: 'FULL', conflictStrategy: 'REMOTE_PRIORITY' });
    expect(await countsOf(run.id)).toMatchObject({ editsOverridden: 1 });
    expect(await orderOf(last!)).toMatchObject({ status: sim.orders.get(last!)!.status.toUpperCase(), statusEditedAt: null });
  });
});

describe('Ozon (postings carry no modified time): the edit stands until the marketplace changes after a sync that followed it', () => {
  let sim: Simulator;
  let accountId: string;

  beforeAll(async () => {
    sim = await startFastSimulator('OZON', { offers: 20, orders: 20, seed: 31 });
    accountId = await createSimAccount(t, sim);
    expect(await syncNow(t, accountId, { scope: 'ORDERS', mode: 'FULL' })).toMatchObject({ status: 'SUCCESS' });
  });
  afterAll(() => sim?.stop());

  it('REMOTE_PRIORITY: a change first seen by the sync after the edit is kept (it may predate the edit); the next change is taken', async () => {
    const open = sim.orders.all().filter((o) => o.status === 'new' || o.status === 'processing');
    const [a, b] = open;
    const orderOf = async (id: number) => (await prisma().order.findMany({ where: { accountId } })).find((o) => o.externalId.startsWith(String(70_000_000 + id)))!;
    const sync = () => syncNow(t, accountId, { scope: 'ORDERS', mode: 'FULL', conflictStrategy: 'REMOTE_PRIORITY' });
    await setOrderStatus((await orderOf(a!.id)).id, 'CANCELLED');
    await setOrderStatus((await orderOf(b!.id)).id, 'CANCELLED');

    // a moves before any sync saw it after the edit: it may be the older value, so the edit stands.
    sim.orders.setStatus(a!.id, NEXT[a!.status]!);
    const first = await sync();
    expect(await countsOf(first.id)).toEqual({ conflicts: 1, editsOverridden: 0, editsKept: 1, editsQueued: 0 });
    expect(await orderOf(a!.id)).toMatchObject({ status: 'CANCELLED', remoteOrderStatus: sim.orders.get(a!.id)!.status.toUpperCase() });
    expect((await orderOf(b!.id)).status).toBe('CANCELLED');

    // Both move now: each change comes after a sync that followed the edit, so it is newer than the edit.
    sim.orders.setStatus(a!.id, NEXT[sim.orders.get(a!.id)!.status]!);
    sim.orders.setStatus(b!.id, NEXT[sim.orders.get(b!.id)!.status]!);
    const second = await sync();
    expect(await countsOf(second.id)).toEqual({ conflicts: 2, editsOverridden: 2, editsKept: 0, editsQueued: 0 });
    expect(await orderOf(a!.id)).toMatchObject({ status: sim.orders.get(a!.id)!.status.toUpperCase(), statusEditedAt: null });
    expect(await orderOf(b!.id)).toMatchObject({ status: sim.orders.get(b!.id)!.status.toUpperCase(), statusEditedAt: null });
  });
});
