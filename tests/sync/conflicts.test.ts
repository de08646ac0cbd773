import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, waitFor } from '../helpers/catalog.js';
import { syncNow } from '../helpers/sync.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';

/**
 * A product edited locally and on the marketplace between two syncs. The local edit could not be
 * pushed yet (the marketplace was down when it was made), which is exactly when strategies matter.
 */
describe('conflict strategies', () => {
  let t: TestApp;
  let sim: Simulator;
  let accountId: string;
  const prisma = () => t.app.services.prisma;

  beforeAll(async () => {
    // Pushes fail once, then wait ten minutes: the edit stays unconfirmed for the whole test.
    t = await startTestApp({}, { pushWorker: { baseDelayMs: 600_000, maxDelayMs: 600_000, connector: { retries: 0 } } });
    sim = await startFastSimulator('STOREFRONT', { offers: 40, seed: 5 });
    accountId = await createSimAccount(t, sim);
    expect(await syncNow(t, accountId)).toMatchObject({ status: 'SUCCESS', created: 40 });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  /** Edits offer `index` locally (push blocked by an outage), then changes it remotely `remoteDelayMs` after the edit. */
  async function editBothSides(index: number, local: { price?: string; stock?: number }, remote: { priceMinor?: number; stock?: number[] }, remoteAt = Date.now() + 1000) {
    const offer = sim.offer(sim.catalog.get(index).sku)!;
    const listing = await prisma().listing.findUniqueOrThrow({ where: { accountId_externalId: { accountId, externalId: offer.externalId } } });
    sim.setFaults({ outage: { from: 0, to: Date.now() + 3_600_000 } });
    if (local.price) {
      const r = dataOf(await t.gql(`mutation($i: UpdateListingPriceInput!) { updateListingPrice(input: $i) { errors { code message } } }`, { i: { listingId: listing.id, price: local.price } })).updateListingPrice;
      expect(r.errors).toEqual([]);
    }
    if (local.stock !== undefined) {
      const r = dataOf(await t.gql(`mutation($i: UpdateListingStockInput!) { updateListingStock(input: $i) { errors { code message } } }`, { i: { listingId: listing.id, stock: local.stock } })).updateListingStock;
      expect(r.errors).toEqual([]);
    }
    // Every push was tried against the outage and failed; each now waits for a retry.
    const edits = (local.price ? 1 : 0) + (local.stock !== undefined ? 1 : 0);
    await waitFor(async () => (await prisma().pushJob.count({ where: { listingId: listing.id, status: 'PENDING', lastError: { not: null } } })) === edits, { what: 'failed push attempts', timeoutMs: 30_000 });
    sim.setFaults({});
    sim.catalog.update(index, remote, remoteAt);
    return { listingId: listing.id, offer: sim.offer(offer.sku)! };
  }

  const listing = (id: string) => prisma().listing.findUniqueOrThrow({ where: { id } });

  it('REMOTE_PRIORITY: the marketplace value replaces the unconfirmed edit, which is kept in the history', async () => {
    const { listingId, offer } = await editBothSides(1, { price: '777.00' }, { priceMinor: 12_345 });
    const run = await syncNow(t, accountId, { conflictStrategy: 'REMOTE_PRIORITY' });
    expect(run).toMatchObject({ status: 'SUCCESS', updated: 1, conflicts: 1 });
    expect(await listing(listingId)).toMatchObject({ priceEditedAt: null });
    expect((await listing(listingId)).price.toFixed(2)).toBe('123.45');
    expect(offer.price).toBe('123.45');
    expect(await prisma().pushJob.count({ where: { listingId, status: 'PENDING' } })).toBe(0);
    const history = await prisma().changeRecord.findMany({ where: { entityId: listingId, field: 'price' }, orderBy: { createdAt: 'asc' } });
    expect(history.map((h) => [h.source, h.newValue])).toEqual([
      ['USER', '777.00'],
      ['CONFLICT_RESOLUTION', '123.45'],
    ]);
  });

  it('LOCAL_PRIORITY: the edit stands, the remote value becomes the new base and the push stays queued', async () => {
    const { listingId } = await editBothSides(2, { price: '888.00', stock: 3 }, { priceMinor: 22_222, stock: [50, 0, 0] });
    const run = await syncNow(t, accountId, { conflictStrategy: 'LOCAL_PRIORITY' });
    expect(run).toMatchObject({ status: 'SUCCESS', updated: 1, conflicts: 2 });
    const after = await listing(listingId);
    expect({ price: after.price.toFixed(2), remotePrice: after.remotePrice.toFixed(2), stock: after.stock, remoteStock: after.remoteStock }).toEqual({ price: '888.00', remotePrice: '222.22', stock: 3, remoteStock: 50 });
    expect(after.priceEditedAt).not.toBeNull();
    expect(after.stockEditedAt).not.toBeNull();
    const pending = await prisma().pushJob.findMany({ where: { listingId, status: 'PENDING' }, orderBy: { kind: 'asc' } });
    expect(pending.map((j) => [j.kind, j.value])).toEqual([
      ['PRICE', '888.00'],
      ['STOCK', '3'],
    ]);
  });

  it('NEWEST_WINS: a remote change made after the edit wins; one made before it loses', async () => {
    const later = await editBothSides(3, { price: '111.00' }, { priceMinor: 33_300 }, Date.now() + 60_000);
    const earlier = await editBothSides(4, { price: '444.00' }, { priceMinor: 45_500 }, Date.now() - 60_000);
    const run = await syncNow(t, accountId, { conflictStrategy: 'NEWEST_WINS' });
    expect(run).toMatchObject({ status: 'SUCCESS', updated: 2 });
    expect((await listing(later.listingId)).price.toFixed(2)).toBe('333.00');
    expect((await listing(later.listingId)).priceEditedAt).toBeNull();
    const kept = await listing(earlier.listingId);
    expect({ price: kept.price.toFixed(2), remotePrice: kept.remotePrice.toFixed(2) }).toEqual({ price: '444.00', remotePrice: earlier.offer.price });
    expect(kept.priceEditedAt).not.toBeNull();
  });

  it('MANUAL: both values are kept in a SyncConflict until someone resolves it', async () => {
    const a = await editBothSides(5, { price: '555.00' }, { priceMinor: 50_050 });
    const b = await editBothSides(6, { stock: 9 }, { stock: [70, 0, 0] });
    const run = await syncNow(t, accountId, { conflictStrategy: 'MANUAL' });
    expect(run).toMatchObject({ status: 'SUCCESS', conflicts: 2 });
    expect((await listing(a.listingId)).price.toFixed(2)).toBe('555.00');
    expect((await listing(b.listingId)).stock).toBe(9);

    const list = dataOf(
      await t.gql(`{ syncConflicts(filter: { accountId: "${accountId}" }) { totalCount edges { node { id field localValue remoteValue localChangedAt remoteChangedAt listing { id } resolution } } } }`),
    ).syncConflicts;
    expect(list.totalCount).toBe(2);
    const byField = Object.fromEntries(list.edges.map((e: any) => [e.node.field, e.node]));
    expect(byField.PRICE).toMatchObject({ localValue: '555.00', remoteValue: '500.50', listing: { id: a.listingId }, resolution: null });
    expect(byField.STOCK).toMatchObject({ localValue: '9', remoteValue: '70', listing: { id: b.listingId } });
    // Nothing is pushed while a person has to decide.
    expect(await prisma().pushJob.count({ where: { listingId: { in: [a.listingId, b.listingId] }, status: 'PENDING' } })).toBe(0);

    // A second sync with no new remote change leaves the open conflicts alone.
    expect(await syncNow(t, accountId, { conflictStrategy: 'MANUAL' })).toMatchObject({ status: 'SUCCESS', updated: 0, conflicts: 0 });

    const resolve = (id: string, resolution: string) =>
      t.gql(`mutation($i: ResolveSyncConflictInput!) { resolveSyncConflict(input: $i) { conflict { resolution resolvedBy resolvedAt } errors { code message } } }`, { i: { id, resolution } });
    const took = dataOf(await resolve(byField.PRICE.id, 'TAKE_REMOTE')).resolveSyncConflict;
    expect(took.errors).toEqual([]);
    expect(took.conflict.resolution).toBe('TAKE_REMOTE');
    expect((await listing(a.listingId)).price.toFixed(2)).toBe('500.50');
    expect((await listing(a.listingId)).priceEditedAt).toBeNull();

    const kept = dataOf(await resolve(byField.STOCK.id, 'KEEP_LOCAL')).resolveSyncConflict;
    expect(kept.errors).toEqual([]);
    expect((await listing(b.listingId)).stock).toBe(9);
    // KEEP_LOCAL queues the push of the local value again.
    expect(await prisma().pushJob.count({ where: { listingId: b.listingId, kind: 'STOCK', value: '9' } })).toBeGreaterThanOrEqual(1);

    const again = dataOf(await resolve(byField.STOCK.id, 'TAKE_REMOTE')).resolveSyncConflict;
    expect(again.errors.map((e: any) => e.code)).toEqual(['ALREADY_RESOLVED']);
    expect((await listing(b.listingId)).stock).toBe(9);
  });

  it('order status: a local status change meets a marketplace change field by field, per strategy', async () => {
    expect(await syncNow(t, accountId, { scope: 'ORDERS', mode: 'FULL' })).toMatchObject({ status: 'SUCCESS' });
    const [first, second] = sim.orders.all().filter((o) => o.status === 'new' || o.status === 'processing');
    const orderOf = (id: number) => prisma().order.findFirstOrThrow({ where: { accountId, externalId: String(id) } });
    const setLocal = async (id: number, status: string) => {
      const r = dataOf(await t.gql(`mutation($i: UpdateOrderStatusInput!) { updateOrderStatus(input: $i) { errors { code message } } }`, { i: { orderId: (await orderOf(id)).id, status } })).updateOrderStatus;
      expect(r.errors).toEqual([]);
    };
    await setLocal(first!.id, 'CANCELLED');
    await setLocal(second!.id, 'CANCELLED');
    sim.orders.setStatus(first!.id, 'shipped', Date.now() + 1000);
    sim.orders.setStatus(second!.id, 'shipped', Date.now() + 1000);

    // MANUAL first: the local status stands and a conflict records both.
    const manual = await syncNow(t, accountId, { scope: 'ORDERS', mode: 'FULL', conflictStrategy: 'MANUAL' });
    expect(manual).toMatchObject({ status: 'SUCCESS', conflicts: 2 });
    expect((await orderOf(first!.id)).status).toBe('CANCELLED');
    const conflict = await prisma().syncConflict.findFirstOrThrow({ where: { orderId: (await orderOf(first!.id)).id, resolvedAt: null } });
    expect(conflict).toMatchObject({ field: 'ORDER_STATUS', localValue: 'CANCELLED', remoteValue: 'SHIPPED' });

    // A later marketplace change under REMOTE_PRIORITY replaces the local status.
    sim.orders.setStatus(second!.id, 'delivered', Date.now() + 2000);
    const remote = await syncNow(t, accountId, { scope: 'ORDERS', mode: 'FULL', conflictStrategy: 'REMOTE_PRIORITY' });
    expect(remote).toMatchObject({ status: 'SUCCESS', updated: 1 });
    expect(await orderOf(second!.id)).toMatchObject({ status: 'DELIVERED', remoteOrderStatus: 'DELIVERED', statusEditedAt: null });
    expect(await orderOf(first!.id)).toMatchObject({ status: 'CANCELLED', remoteOrderStatus: 'SHIPPED' });
  });
});
