import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { ERRORS } from '../helpers/catalog.js';
import { seedAccount } from '../helpers/catalog-seed.js';
import { transact } from '../../src/db/transaction.js';
import { applyOrderStock } from '../../src/modules/inventory/order-stock.js';

// An operator's own status change moves the pool as a synced one does: an order cancelled in
// Stockline gives its reservation back at once, one marked shipped consumes it; a sync that later
// reads the unchanged order posts nothing more.

let t: TestApp;
let operator: string;
let viewer: string;
let productId: string;
let accountId: string;
const prisma = () => t.app.services.prisma;

const stockOf = async () => dataOf(await t.gql(`query($id: ID!) { product(id: $id) { stock { onHand reserved available } } }`, { id: productId }, viewer)).product.stock;
const setStatus = async (orderId: string, status: string) =>
  dataOf(await t.gql(`mutation($input: UpdateOrderStatusInput!) { updateOrderStatus(input: $input) { order { status } ${ERRORS} } }`, { input: { orderId, status } }, operator)).updateOrderStatus;
/** What a sync page of these orders does to the pool. */
const syncPage = (orderIds: string[]) => transact(t.app.services, 'sync', (tx, emit) => applyOrderStock(tx, emit, accountId, orderIds, new Date()));

async function order(externalId: string, quantity: number) {
  return prisma().order.create({
    data: {
      accountId,
      externalId,
      status: 'NEW',
      remoteOrderStatus: 'NEW',
      remoteStatus: 'new',
      total: '10.00',
      currency: 'RON',
      placedAt: new Date(),
      items: { create: [{ position: 1, sku: 'OSS-A', externalProductId: 'x-1', quantity, price: '10.00' }] },
    },
  });
}

beforeAll(async () => {
  t = await startTestApp();
  operator = await t.tokenFor('OPERATOR');
  viewer = await t.tokenFor('VIEWER');
  productId = (await prisma().product.create({ data: { sku: 'OSS-A', name: 'Order status stock A' } })).id;
  accountId = (await seedAccount(t, 'oss-ozon', 'OZON')).id;
  await t.gql(`mutation { adjustStock(input: { productId: "${productId}", quantity: 10 }) { ${ERRORS} } }`, {}, operator);
});
afterAll(async () => {
  await t?.close();
});

describe("an operator's order status change moves the pool", () => {
  it('cancelling an open order in Stockline releases its reservation', async () => {
    const o = await order('OSS-1', 3);
    await syncPage([o.id]);
    expect(await stockOf()).toEqual({ onHand: 10, reserved: 3, available: 7 });
    expect((await setStatus(o.id, 'CANCELLED')).errors).toEqual([]);
    expect(await stockOf()).toEqual({ onHand: 10, reserved: 0, available: 10 });
    // The next sync of the (locally cancelled) order posts nothing more.
    await syncPage([o.id]);
    expect(await stockOf()).toEqual({ onHand: 10, reserved: 0, available: 10 });
  });

  it('marking an open order shipped in Stockline consumes it', async () => {
    const o = await order('OSS-2', 4);
    await syncPage([o.id]);
    expect(await stockOf()).toEqual({ onHand: 10, reserved: 4, available: 6 });
    expect((await setStatus(o.id, 'SHIPPED')).errors).toEqual([]);
    expect(await stockOf()).toEqual({ onHand: 6, reserved: 0, available: 6 });
    await syncPage([o.id]);
    expect(await stockOf()).toEqual({ onHand: 6, reserved: 0, available: 6 });
  });
});

describe('an order line position that comes back holding another product', () => {
  it('reserves the product and quantity the line has now, not what the position held before', async () => {
    const otherId = (await prisma().product.create({ data: { sku: 'OSS-D', name: 'Order status stock D' } })).id;
    const reservedOf = async (id: string) => dataOf(await t.gql(`query($id: ID!) { product(id: $id) { stock { reserved } } }`, { id }, viewer)).product.stock.reserved;
    const before = await reservedOf(productId);
    const o = await order('OSS-3', 2);
    await syncPage([o.id]);
    expect(await reservedOf(productId)).toBe(before + 2);
    // The marketplace's order is edited: its only line removed (released), then another product added at that position.
    await prisma().orderItem.deleteMany({ where: { orderId: o.id } });
    await syncPage([o.id]);
    expect(await reservedOf(productId)).toBe(before);
    await prisma().orderItem.create({ data: { orderId: o.id, position: 1, sku: 'OSS-D', externalProductId: 'x-4', quantity: 5, price: '1.00' } });
    await syncPage([o.id]);
    expect({ first: await reservedOf(productId), other: await reservedOf(otherId) }).toEqual({ first: before, other: 5 });
  });
});
