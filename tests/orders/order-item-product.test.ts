// Issue 14 (eMAG order lines): an order line names its product by the marketplace's offer id first
// (the listing of that account with that external id), by SKU only when no listing has the id —
// a seller's code on the line (eMAG ext_part_number) need not be the catalog SKU. One statement
// per kind of lookup for a whole page of orders, not one per line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { listingData, seedAccount } from '../helpers/catalog-seed.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const ORDERS = `{ orders(first: 10, orderBy: { field: PLACED_AT, direction: ASC }) { edges { node { externalId items { sku externalProductId product { sku } } } } } }`;

describe('order line products', () => {
  it('matches a line to the listing with its offer id on the same account, then by SKU', async () => {
    const prisma = t.app.services.prisma;
    const emag = await seedAccount(t, 'eMAG lines', 'EMAG');
    const other = await seedAccount(t, 'other shop', 'STOREFRONT');
    const kettle = await prisma.product.create({ data: { sku: 'STK-KETTLE', name: 'Kettle' } });
    const lamp = await prisma.product.create({ data: { sku: 'STK-LAMP', name: 'Lamp' } });
    await prisma.listing.create({ data: listingData({ productId: kettle.id, accountId: emag.id, sku: 'STK-KETTLE', externalId: '555' }) });
    // The same offer id on another account names another product: the account decides.
    await prisma.listing.create({ data: listingData({ productId: lamp.id, accountId: other.id, sku: 'STK-LAMP', externalId: '777' }) });
    const line = (sku: string, externalProductId: string) => ({ position: 1, sku, externalProductId, quantity: 1, price: '10.00' });
    const order = (externalId: string, accountId: string, minutes: number, item: ReturnType<typeof line>) =>
      prisma.order.create({
        data: { accountId, externalId, status: 'NEW', remoteOrderStatus: 'NEW', remoteStatus: '1', total: '10.00', currency: 'RON', placedAt: new Date(Date.UTC(2026, 0, 1, 0, minutes)), items: { create: [item] } },
      });
    // The seller's own code on the line differs from the catalog SKU; the offer id finds the product.
    await order('by-offer-id', emag.id, 1, line('SELLER-CODE-9', '555'));
    // No listing with this offer id on the account: the SKU decides.
    await order('by-sku', emag.id, 2, line('STK-LAMP', '999'));
    // Offer id 777 is the lamp on another account only: not this line's.
    await order('other-account-id', emag.id, 3, line('STK-KETTLE', '777'));
    await order('unknown', emag.id, 4, line('NOPE', '000'));

    t.resetQueries();
    const nodes = dataOf(await t.gql(ORDERS)).orders.edges.map((e: any) => e.node);
    const productOf = Object.fromEntries(nodes.map((n: any) => [n.externalId, n.items[0].product?.sku ?? null]));
    expect(productOf).toEqual({ 'by-offer-id': 'STK-KETTLE', 'by-sku': 'STK-LAMP', 'other-account-id': 'STK-KETTLE', unknown: null });
    // Listings once and products once for the page, whatever the number of lines.
    expect(t.queries.filter((q) => /FROM "public"\."Listing"/.test(q)).length).toBe(1);
    expect(t.queries.filter((q) => /FROM "public"\."Product"/.test(q)).length).toBe(1);

    // The product's sales count the same lines: the kettle sold through its offer id and by its SKU.
    const trend = async (productId: string) =>
      dataOf(await t.gql(`query($id: ID!) { productTrends(productId: $id, from: "2026-01-01", to: "2026-01-01") { unitsSold } }`, { id: productId })).productTrends.unitsSold;
    expect(await trend(kettle.id)).toBe(2);
    expect(await trend(lamp.id)).toBe(1);
  });
});
