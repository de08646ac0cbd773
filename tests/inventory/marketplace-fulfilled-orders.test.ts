/**
 * Orders the marketplace ships from its own stock are the marketplace's: an Ozon FBO posting (read
 * from /v2/posting/fbo/list, beside the FBS postings of /v3/posting/fbs/list) or a Wildberries FBW
 * order (from the statistics report) is synced and tracked as an order, marked
 * `fulfilledByMarketplace`, but reserves nothing from the seller's pool; FBS orders do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulators/index.js';
import { isFboOrder } from '../../src/simulators/ozon/seller.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import { wildberriesControls } from '../../src/simulators/wildberries/index.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, ERRORS } from '../helpers/catalog.js';
import { syncNow } from '../helpers/sync.js';

let t: TestApp;
const sims: Simulator[] = [];
const prisma = () => t.app.services.prisma;

/** A synced account on a new simulator of `channel`, and the product of its first offer with 30 units on hand. */
async function stockedAccount(channel: 'OZON' | 'WILDBERRIES', configure: (sim: Simulator) => void = () => {}) {
  const sim = await startFastSimulator(channel, { offers: 3, orders: 0, seed: 5 });
  sims.push(sim);
  configure(sim);
  const accountId = await createSimAccount(t, sim, `marketplace-fulfilled ${channel}`);
  expect((await syncNow(t, accountId, { scope: 'PRODUCTS', mode: 'FULL' })).status).toBe('SUCCESS');
  const productId = (await prisma().product.findUniqueOrThrow({ where: { sku: sim.catalog.get(0).sku } })).id;
  const r = dataOf(await t.gql(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { ${ERRORS} } }`, { i: { productId, quantity: 30 } }));
  expect(r.adjustStock.errors).toEqual([]);
  return { sim, accountId, productId };
}

/** The account's orders as the API lists them. */
async function listedOrders(accountId: string): Promise<{ externalId: string; fulfilledByMarketplace: boolean }[]> {
  const q = `query($f: OrderFilter) { orders(filter: $f, first: 100) { edges { node { externalId fulfilledByMarketplace } } } }`;
  return dataOf(await t.gql(q, { f: { accountId } })).orders.edges.map((e: { node: unknown }) => e.node);
}

const stockOf = async (productId: string) =>
  dataOf(await t.gql(`query($id: ID!) { product(id: $id) { stock { onHand reserved available } } }`, { id: productId })).product.stock;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
  for (const sim of sims) await sim.stop();
});

describe('Ozon FBO postings', () => {
  it('are synced as orders marked fulfilledByMarketplace but reserve nothing; FBS postings reserve', async () => {
    const { sim, accountId, productId } = await stockedAccount('OZON');
    // Five postings of 2 units: the simulator makes one in five an FBO posting.
    const placed = Array.from({ length: 5 }, () => sim.orders.place([{ index: 0, quantity: 2 }]).id);
    const fbo = placed.filter(isFboOrder);
    expect(fbo).toHaveLength(1);
    expect((await syncNow(t, accountId, { scope: 'ORDERS', mode: 'INCREMENTAL' })).status).toBe('SUCCESS');
    const orders = await listedOrders(accountId);
    expect(orders).toHaveLength(5);
    expect(orders.filter((o) => o.fulfilledByMarketplace)).toHaveLength(1);
    expect(await stockOf(productId)).toEqual({ onHand: 30, reserved: 8, available: 22 });
    expect(await prisma().stockReservation.count({ where: { productId, accountId } })).toBe(4);
  });
});

describe('Wildberries FBW orders', () => {
  it('are synced as orders marked fulfilledByMarketplace but reserve nothing; FBS orders reserve', async () => {
    // fbwEvery 1: the statistics report holds WB-held stock and FBW orders for every offer.
    const { sim, accountId, productId } = await stockedAccount('WILDBERRIES', (s) => (wildberriesControls(s).fbwEvery = 1));
    for (let i = 0; i < 3; i++) sim.orders.place([{ index: 0, quantity: 2 }]);
    const before = await stockOf(productId);
    expect((await syncNow(t, accountId, { scope: 'ORDERS', mode: 'INCREMENTAL' })).status).toBe('SUCCESS');
    const orders = await listedOrders(accountId);
    const fbw = orders.filter((o) => o.externalId.startsWith('fbw:'));
    expect(fbw).toHaveLength(3); // one per offer
    expect(orders.filter((o) => o.fulfilledByMarketplace)).toEqual(fbw);
    expect(orders).toHaveLength(6);
    // Only the three FBS orders reserve (the product is shared with the Ozon test's account: count this account's).
    const reservations = await prisma().stockReservation.findMany({ where: { accountId }, select: { quantity: true } });
    expect(reservations).toHaveLength(3);
    const after = await stockOf(productId);
    expect(after.reserved - before.reserved).toBe(reservations.reduce((sum, r) => sum + r.quantity, 0));
  });
});
