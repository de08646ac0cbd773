/**
 * CSV exports of products and orders with the same filters as the catalog and orders pages
 * (issue 18 item 7, products/orders part): background tasks whose file holds exactly the rows the
 * list shows, formula-safe; a VIEWER may not start one.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { listingData, seedAccount, seedOrder } from '../helpers/catalog-seed.js';
import { PAYLOAD, download, waitForTask } from '../tasks/task-helpers.js';

let t: TestApp;
let shop: { id: string };
let ozon: { id: string };

beforeAll(async () => {
  t = await startTestApp();
  const prisma = t.app.services.prisma;
  shop = await seedAccount(t, 'Export shop', 'STOREFRONT');
  ozon = await seedAccount(t, 'Export ozon', 'OZON');
  for (let i = 0; i < 5; i++) {
    const sku = `EXP-${i}`;
    const product = await prisma.product.create({ data: { sku, name: i === 4 ? '=HYPERLINK("x")' : `Kettle ${i}`, hidden: i === 3 } });
    await prisma.listing.create({ data: listingData({ productId: product.id, accountId: shop.id, sku, price: `${10 + i}.50`, stock: i % 2 ? 0 : 5 }) });
    if (i < 2) await prisma.listing.create({ data: listingData({ productId: product.id, accountId: ozon.id, sku, price: `${100 + i}.00`, currency: 'RUB', stock: 1 }) });
  }
  await prisma.product.create({ data: { sku: 'EXP-NOLISTING', name: 'Not listed' } });
  for (let i = 0; i < 6; i++) {
    await seedOrder(t, { accountId: i % 2 ? ozon.id : shop.id, externalId: `EXP-ORD-${i}`, status: i % 3 ? 'NEW' : 'SHIPPED', total: `${20 + i}.00`, currency: i % 2 ? 'RUB' : 'RON', placedAt: new Date(Date.UTC(2026, 10, 1 + i)), items: [{ sku: 'EXP-0', quantity: 1, price: `${20 + i}.00` }] });
  }
});
afterAll(async () => {
  await t?.close();
});

async function exportCsv(mutation: 'exportProducts' | 'exportOrders', filter: Record<string, unknown>, token?: string) {
  const input = mutation === 'exportProducts' ? 'ExportProductsInput' : 'ExportOrdersInput';
  const payload = dataOf(await t.gql(`mutation($i: ${input}!) { ${mutation}(input: $i) { ${PAYLOAD} } }`, { i: { filter } }, token))[mutation];
  return payload as { task: { id: string } | null; errors: { code: string }[] };
}

async function rowsOf(mutation: 'exportProducts' | 'exportOrders', filter: Record<string, unknown>) {
  const { task, errors } = await exportCsv(mutation, filter);
  expect(errors).toEqual([]);
  const done = await waitForTask(t, task!.id);
  expect(done).toMatchObject({ status: 'SUCCESS' });
  const response = await download(t, done.result.url);
  expect(response.status).toBe(200);
  const rows = parse(await response.text(), { columns: true, bom: true }) as Record<string, string>[];
  expect(done.result.rows).toBe(rows.length);
  return rows;
}

describe('exportProducts', () => {
  it('writes one row per listing of the filtered products, only the listings of the filtered account', async () => {
    const all = await rowsOf('exportProducts', {});
    // 5 shop listings, 2 ozon ones, and the product with no listing.
    expect(all).toHaveLength(8);
    expect(all.find((r) => r.sku === 'EXP-NOLISTING')).toMatchObject({ productName: 'Not listed', account: '', price: '' });
    expect(all.find((r) => r.sku === 'EXP-4')!.productName).toBe(`'=HYPERLINK("x")`);

    const onOzon = await rowsOf('exportProducts', { accountId: ozon.id });
    expect(onOzon.map((r) => [r.sku, r.account, r.price, r.currency])).toEqual([
      ['EXP-0', 'Export ozon', '100.00', 'RUB'],
      ['EXP-1', 'Export ozon', '101.00', 'RUB'],
    ]);
    const outOfStockVisible = await rowsOf('exportProducts', { channel: 'STOREFRONT', outOfStock: true, hidden: false });
    const listed = dataOf(await t.gql('{ products(first: 100, filter: { channel: STOREFRONT, outOfStock: true, hidden: false }) { edges { node { sku } } } }')).products.edges.map((e: any) => e.node.sku);
    expect(outOfStockVisible.map((r) => r.sku)).toEqual(listed);
    expect(listed).toEqual(['EXP-1']);
  });

  it('is refused to a VIEWER', async () => {
    const r = await t.gql(`mutation { exportProducts(input: {}) { task { id } } }`, {}, await t.tokenFor('VIEWER'));
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('exportOrders', () => {
  it('writes the filtered orders, newest first, as the orders list has them', async () => {
    const shipped = await rowsOf('exportOrders', { status: ['SHIPPED'] });
    expect(shipped.map((r) => [r.externalId, r.status, r.total, r.currency, r.lines])).toEqual([
      ['EXP-ORD-3', 'SHIPPED', '23.00', 'RUB', '1'],
      ['EXP-ORD-0', 'SHIPPED', '20.00', 'RON', '1'],
    ]);
    const ron = await rowsOf('exportOrders', { accountId: shop.id, placedFrom: '2026-11-02T00:00:00.000Z' });
    expect(ron.map((r) => r.externalId)).toEqual(['EXP-ORD-4', 'EXP-ORD-2']);
  });
});
