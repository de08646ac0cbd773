/**
 * Orders the marketplace ships from its own stock are the marketplace's: an Ozon FBO posting (read
 * from /v2/posting/fbo/list, beside the FBS postings of /v3/posting/fbs/list) is synced and tracked
 * as an order, but reserves nothing from the seller's pool; the FBS postings do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulators/index.js';
import { isFboOrder } from '../../src/simulators/ozon/seller.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, ERRORS } from '../helpers/catalog.js';
import { syncNow } from '../helpers/sync.js';

let t: TestApp;
let sim: Simulator;
let accountId: string;
let productId: string;
const prisma = () => t.app.services.prisma;

beforeAll(async () => {
  t = await startTestApp();
  sim = await startFastSimulator('OZON', { offers: 3, orders: 0, seed: 5 });
  accountId = await createSimAccount(t, sim, 'fbo Ozon');
  expect((await syncNow(t, accountId, { scope: 'PRODUCTS', mode: 'FULL' })).status).toBe('SUCCESS');
  productId = (await prisma().product.findUniqueOrThrow({ where: { sku: sim.catalog.get(0).sku } })).id;
  const r = dataOf(await t.gql(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { ${ERRORS} } }`, { i: { productId, quantity: 30 } }));
  expect(r.adjustStock.errors).toEqual([]);
});
afterAll(async () => {
  await t?.close();
  await sim?.stop();
});

describe('Ozon FBO postings', () => {
  it('are synced as orders but reserve nothing; FBS postings reserve', async () => {
    // Five postings of 2 units: the simulator makes one in five an FBO posting.
    const placed = Array.from({ length: 5 }, () => sim.orders.place([{ index: 0, quantity: 2 }]).id);
    const fbo = placed.filter(isFboOrder);
    expect(fbo).toHaveLength(1);
    expect((await syncNow(t, accountId, { scope: 'ORDERS', mode: 'INCREMENTAL' })).status).toBe('SUCCESS');
    const orders = await prisma().order.findMany({ where: { accountId }, select: { status: true, fulfilledByMarketplace: true } });
    expect(orders).toHaveLength(5);
    expect(orders.filter((o) => o.fulfilledByMarketplace)).toHaveLength(1);
    const stock = dataOf(await t.gql(`query($id: ID!) { product(id: $id) { stock { onHand reserved available } } }`, { id: productId })).product.stock;
    expect(stock).toEqual({ onHand: 30, reserved: 8, available: 22 });
    expect(await prisma().stockReservation.count({ where: { productId } })).toBe(4);
  });
});
