/**
 * The "what it must show", end to end: a batch closed in production reaches three
 * marketplaces (simulators) through allocation and the push outbox; an order synced from Ozon
 * reserves and the other channels get the reduced allocation in one push cycle; a cancellation
 * releases; shipping consumes; an oversell raises an alert naming the orders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, ERRORS, waitFor } from '../helpers/catalog.js';
import { batchInput, createBatch, createWorkCenter, mutate } from '../helpers/production.js';
import { syncNow } from '../helpers/sync.js';

let t: TestApp;
const sims: Record<'EMAG' | 'OZON' | 'WILDBERRIES', Simulator> = {} as never;
const accounts: Record<string, string> = {};
let sku: string;
let productId: string;
const prisma = () => t.app.services.prisma;

/** Where pushes go: the one warehouse of eMAG, the account's default warehouse of Ozon and Wildberries (they have several). */
const warehouses: Record<string, string | null> = {};
const stockThere = (channel: keyof typeof sims) => {
  const offer = sims[channel].offer(sku)!;
  return warehouses[channel] ? offer.stockByWarehouse[warehouses[channel]!] : offer.stock;
};
const remoteStock = () => Object.fromEntries((['EMAG', 'OZON', 'WILDBERRIES'] as const).map((channel) => [channel, stockThere(channel)]));
const waitForRemote = (expected: Record<string, number>, what: string) =>
  waitFor(() => JSON.stringify(remoteStock()) === JSON.stringify(expected) && remoteStock(), { timeoutMs: 20_000, intervalMs: 50, what: `${what}: ${JSON.stringify(expected)}` }).catch((error: Error) => {
    throw new Error(`${error.message}; the marketplaces show ${JSON.stringify(remoteStock())}`);
  });
const pool = async () => dataOf(await t.gql(`query($id: ID!) { product(id: $id) { stock { onHand reserved available oversold } } }`, { id: productId })).product.stock;
const syncOrders = (channel: keyof typeof sims) => syncNow(t, accounts[channel]!, { scope: 'ORDERS', mode: 'INCREMENTAL' });
const rule = async (channel: string, mode: string, value: number) => {
  const r = dataOf(await t.gql(`mutation($i: SetStockAllocationRuleInput!) { setStockAllocationRule(input: $i) { rule { mode value } ${ERRORS} } }`, { i: { accountId: accounts[channel], mode, value } }));
  expect(r.setStockAllocationRule).toEqual({ rule: { mode, value }, errors: [] });
};

beforeAll(async () => {
  t = await startTestApp({}, { pushWorker: { pollMs: 50, baseDelayMs: 300 } });
  for (const channel of ['EMAG', 'OZON', 'WILDBERRIES'] as const) {
    // Ozon refuses a second stock update of an item within 30 s; a test cannot wait that long per step.
    sims[channel] = await startFastSimulator(channel, { offers: 5, orders: 0, seed: 7, stockCooldownMs: 300 });
    accounts[channel] = await createSimAccount(t, sims[channel], `pool ${channel}`);
    warehouses[channel] = channel === 'EMAG' ? null : Object.keys(sims[channel].offer(sims[channel].catalog.get(0).sku)!.stockByWarehouse)[0]!;
    if (warehouses[channel]) {
      const r = dataOf(await t.gql(`mutation($i: UpdateAccountInput!) { updateAccount(input: $i) { ${ERRORS} } }`, { i: { id: accounts[channel], options: { defaultWarehouseId: warehouses[channel] } } }));
      expect(r.updateAccount.errors).toEqual([]);
    }
    const run = await syncNow(t, accounts[channel]!, { scope: 'PRODUCTS', mode: 'FULL' });
    expect(run.status).toBe('SUCCESS');
  }
  sku = sims.OZON.catalog.get(0).sku;
  productId = (await prisma().product.findUniqueOrThrow({ where: { sku } })).id;
  expect(await prisma().listing.count({ where: { productId } })).toBe(3);
});
afterAll(async () => {
  await t?.close();
  for (const sim of Object.values(sims)) await sim?.stop();
});

describe('one stock pool across three marketplaces', () => {
  let ozonOrder: number;

  it('a batch of 20 units of SKU A closed in production reaches each marketplace as its allocation', async () => {
    await rule('OZON', 'SHARE', 100);
    await rule('EMAG', 'SHARE', 50);
    await rule('WILDBERRIES', 'BUFFER', 2);
    // No stock yet: every allocated listing goes to 0.
    await waitForRemote({ EMAG: 0, OZON: 0, WILDBERRIES: 0 }, 'empty pool pushed');

    const workCenterId = (await createWorkCenter(t)).id;
    const { batch } = await createBatch(t, batchInput(workCenterId));
    await prisma().unit.createMany({ data: Array.from({ length: 20 }, (_, i) => ({ code: `${batch.id}-${i}`, batchId: batch.id })) });
    await mutate(t, 'setBatchProduct', 'SetBatchProductInput', { batchId: batch.id, productId }, 'batch { id }');
    expect((await mutate(t, 'closeBatch', 'CloseBatchInput', { id: batch.id }, 'batch { closed }')).errors).toEqual([]);

    const [movement] = await prisma().stockMovement.findMany({ where: { causeId: batch.id } });
    expect(movement).toMatchObject({ reason: 'PRODUCTION', quantity: 20, onHandAfter: 20 });
    expect(await pool()).toEqual({ onHand: 20, reserved: 0, available: 20, oversold: 0 });
    await waitForRemote({ EMAG: 10, OZON: 20, WILDBERRIES: 18 }, 'allocation after the batch');
  });

  it('an order for 7 units on Ozon reserves them once and the other channels show the reduced allocation', async () => {
    ozonOrder = sims.OZON.orders.place([{ index: 0, quantity: 7 }]).id;
    expect((await syncOrders('OZON')).status).toBe('SUCCESS');
    expect(await pool()).toEqual({ onHand: 20, reserved: 7, available: 13, oversold: 0 });
    await waitForRemote({ EMAG: 6, OZON: 13, WILDBERRIES: 11 }, 'allocation after the order');
    // Synced again: still reserved once.
    expect((await syncNow(t, accounts.OZON!, { scope: 'ORDERS', mode: 'FULL' })).status).toBe('SUCCESS');
    expect(await pool()).toEqual({ onHand: 20, reserved: 7, available: 13, oversold: 0 });
    expect(await prisma().stockMovement.count({ where: { causeType: 'ORDER_LINE' } })).toBe(1);
  });

  it('many movements in a moment are coalesced: a listing has at most one waiting push, whose value the later ones overwrite', async () => {
    const before = await prisma().pushJob.count({ where: { kind: 'STOCK' } });
    const results = await Promise.all(
      Array.from({ length: 5 }, async () => dataOf(await t.gql(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { ${ERRORS} } }`, { i: { productId, quantity: 1 } }))),
    );
    expect(results.map((r) => r.adjustStock.errors)).toEqual([[], [], [], [], []]);
    const waiting = await prisma().pushJob.groupBy({ by: ['listingId'], where: { kind: 'STOCK', status: 'PENDING', attempts: 0 }, _count: true });
    expect(waiting.every((w) => w._count === 1)).toBe(true);
    await waitForRemote({ EMAG: 9, OZON: 18, WILDBERRIES: 16 }, 'allocation after five adjustments');
    // One push per listing when the five commit within the coalescing window (ALLOCATION_COALESCE_MS); on a slow machine two.
    const pushes = (await prisma().pushJob.count({ where: { kind: 'STOCK' } })) - before;
    expect(pushes).toBeGreaterThanOrEqual(3);
    expect(pushes).toBeLessThanOrEqual(6);
    await mutate(t, 'adjustStock', 'AdjustStockInput', { productId, quantity: -5 }, 'movements { id }');
    await waitForRemote({ EMAG: 6, OZON: 13, WILDBERRIES: 11 }, 'allocation back');
  });

  it('cancelling the order releases its units', async () => {
    sims.OZON.orders.setStatus(ozonOrder, 'cancelled');
    expect((await syncOrders('OZON')).status).toBe('SUCCESS');
    expect(await pool()).toEqual({ onHand: 20, reserved: 0, available: 20, oversold: 0 });
    await waitForRemote({ EMAG: 10, OZON: 20, WILDBERRIES: 18 }, 'allocation after the cancellation');
    const reasons = await prisma().stockMovement.findMany({ where: { causeId: (await prisma().order.findFirstOrThrow({ where: { accountId: accounts.OZON } })).id }, orderBy: { seq: 'asc' } });
    expect(reasons.map((m) => [m.reason, m.quantity, m.reservedChange])).toEqual([
      ['RESERVE', 0, 7],
      ['RELEASE', 0, -7],
    ]);
  });

  it('shipping consumes; an oversell zeroes every channel and raises an alert naming the orders', async () => {
    const shipped = sims.EMAG.orders.place([{ index: 0, quantity: 4 }]).id;
    expect((await syncOrders('EMAG')).status).toBe('SUCCESS');
    // eMAG reports "prepared" as PROCESSING; "finalized" (delivered) is when its units are gone.
    sims.EMAG.orders.setStatus(shipped, 'delivered');
    expect((await syncOrders('EMAG')).status).toBe('SUCCESS');
    expect(await pool()).toEqual({ onHand: 16, reserved: 0, available: 16, oversold: 0 });

    const a = sims.WILDBERRIES.orders.place([{ index: 0, quantity: 1 }]).id;
    sims.OZON.orders.place([{ index: 0, quantity: 16 }]);
    expect((await syncOrders('OZON')).status).toBe('SUCCESS');
    expect((await syncOrders('WILDBERRIES')).status).toBe('SUCCESS');
    expect(await pool()).toEqual({ onHand: 16, reserved: 17, available: 0, oversold: 1 });
    await waitForRemote({ EMAG: 0, OZON: 0, WILDBERRIES: 0 }, 'every channel at 0');
    const alerts = dataOf(await t.gql(`{ alerts(active: true, kind: OVERSELL) { edges { node { severity message details } } } }`)).alerts.edges;
    expect(alerts).toHaveLength(1);
    const details = alerts[0].node.details;
    expect(details).toMatchObject({ sku, onHand: 16, reserved: 17, oversold: 1 });
    expect(details.orders.map((o: any) => [o.accountId, o.quantity])).toEqual([
      [accounts.OZON, 16],
      [accounts.WILDBERRIES, 1],
    ]);
    expect(alerts[0].node.message).toContain(`SKU ${sku} is oversold by 1`);
    expect(a).toBeGreaterThan(0);

    // Counting one more unit resolves it.
    await mutate(t, 'adjustStock', 'AdjustStockInput', { productId, quantity: 1 }, 'movements { id }');
    expect(dataOf(await t.gql(`{ alerts(active: true, kind: OVERSELL) { totalCount } }`)).alerts.totalCount).toBe(0);
  });
});
