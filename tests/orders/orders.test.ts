import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { listingData, seedAccount, seedOrder, type OrderStatus } from '../helpers/catalog-seed.js';
import { cmp, walkConnection } from '../helpers/paging.js';

// 120 orders with known values on three accounts, so every filter and sort can be checked
// against a plain in-memory computation of the same answer.
let t: TestApp;
const STATUSES: OrderStatus[] = ['NEW', 'PROCESSING', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURNED'];
type Row = { id: string; externalId: string; accountId: string; channel: string; status: OrderStatus; total: number; placedAt: string };
let rows: Row[] = [];
let accounts: { id: string; name: string; channel: string }[];
const products: Record<string, string> = {};

const pad = (n: number, w = 3) => String(n).padStart(w, '0');
const base = Date.UTC(2026, 4, 1);

beforeAll(async () => {
  t = await startTestApp();
  const prisma = t.app.services.prisma;
  accounts = [await seedAccount(t, 'emag-main', 'EMAG'), await seedAccount(t, 'ozon-ro', 'OZON'), await seedAccount(t, 'shop', 'STOREFRONT')];
  for (const sku of ['SKU-A', 'SKU-B']) products[sku] = (await prisma.product.create({ data: { sku, name: `Product ${sku}` } })).id;
  await prisma.listing.create({ data: listingData({ productId: products['SKU-A']!, accountId: accounts[0]!.id, sku: 'SKU-A', stock: 4 }) });
  const skus = ['SKU-A', 'SKU-B', 'SKU-Z'];
  for (let i = 0; i < 120; i++) {
    const account = accounts[i % 3]!;
    await seedOrder(t, {
      accountId: account.id,
      externalId: `${['EM', 'OZ', 'SF'][i % 3]}-${pad(1000 + i, 4)}`,
      status: STATUSES[i % 6],
      total: `${(i * 53) % 500}.${pad((i * 7) % 100, 2)}`,
      currency: account.channel === 'OZON' ? 'RUB' : 'RON',
      // Pairs of orders share a time, so the id tie-break matters.
      placedAt: new Date(base + Math.floor(i / 2) * 3_600_000),
      items: Array.from({ length: 1 + (i % 3) }, (_, k) => ({ sku: skus[(i + k) % 3]!, quantity: 1 + k, price: `${10 + k}.50` })),
    });
  }
  const stored = await prisma.order.findMany({ include: { account: true } });
  rows = stored.map((o) => ({
    id: o.id,
    externalId: o.externalId,
    accountId: o.accountId,
    channel: o.account.channel,
    status: o.status,
    total: Number(o.total),
    placedAt: o.placedAt.toISOString(),
  }));
});
afterAll(() => t?.close());

const LIST = `query($filter: OrderFilter, $orderBy: OrderOrder, $first: Int, $after: String) {
  orders(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id } }
  } }`;

const walk = (variables: Record<string, unknown>) => walkConnection(t.gql, LIST, 'orders', variables);


describe('orders list', () => {
  it('lists every order once, newest first by default, over pages of 100', async () => {
    const { ids, totalCount } = await walk({});
    expect(totalCount).toBe(120);
    expect(ids).toEqual([...rows].sort((a, b) => -(cmp(a.placedAt, b.placedAt) || cmp(a.id, b.id))).map((r) => r.id));
  });

  it('sorts by placed time, total and status in both directions, ids breaking ties', async () => {
    const keys: Record<string, (r: Row) => string | number> = {
      PLACED_AT: (r) => r.placedAt,
      TOTAL: (r) => r.total,
      STATUS: (r) => STATUSES.indexOf(r.status),
    };
    for (const [field, key] of Object.entries(keys)) {
      for (const direction of ['ASC', 'DESC'] as const) {
        const sign = direction === 'ASC' ? 1 : -1;
        const { ids } = await walk({ orderBy: { field, direction } });
        expect(ids, `${field} ${direction}`).toEqual([...rows].sort((a, b) => sign * (cmp(key(a), key(b)) || cmp(a.id, b.id))).map((r) => r.id));
      }
    }
  });

  it('filters by channel, account, statuses, placed range and external id, alone and together', async () => {
    const from = new Date(base + 10 * 3_600_000).toISOString();
    const to = new Date(base + 20 * 3_600_000).toISOString();
    const cases: [Record<string, unknown>, (r: Row) => boolean][] = [
      [{ channel: 'OZON' }, (r) => r.channel === 'OZON'],
      [{ accountId: accounts[2]!.id }, (r) => r.accountId === accounts[2]!.id],
      [{ status: ['CANCELLED'] }, (r) => r.status === 'CANCELLED'],
      [{ status: ['NEW', 'SHIPPED'] }, (r) => r.status === 'NEW' || r.status === 'SHIPPED'],
      // from is included, to is not.
      [{ placedFrom: from, placedTo: to }, (r) => r.placedAt >= from && r.placedAt < to],
      [{ placedFrom: to }, (r) => r.placedAt >= to],
      [{ placedTo: from }, (r) => r.placedAt < from],
      [{ search: 'em-10' }, (r) => r.externalId.startsWith('EM-10')],
      [{ search: '105' }, (r) => r.externalId.includes('105')],
      [{ channel: 'EMAG', status: ['NEW', 'DELIVERED'], placedFrom: from }, (r) => r.channel === 'EMAG' && ['NEW', 'DELIVERED'].includes(r.status) && r.placedAt >= from],
    ];
    for (const [filter, predicate] of cases) {
      const { ids, totalCount } = await walk({ filter });
      const expected = rows.filter(predicate).map((r) => r.id).sort();
      expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(expected.length, JSON.stringify(filter)).toBeLessThan(120);
      expect(totalCount, JSON.stringify(filter)).toBe(expected.length);
      expect([...ids].sort(), JSON.stringify(filter)).toEqual(expected);
    }
    // An empty status list is no filter; an unknown or malformed account matches nothing.
    expect((await walk({ filter: { status: [] } })).totalCount).toBe(120);
    expect((await walk({ filter: { accountId: 'x' } })).totalCount).toBe(0);
    expect((await walk({ filter: { accountId: '00000000-0000-4000-8000-000000000000' } })).totalCount).toBe(0);
  });

  it('caps a page at 100', async () => {
    const r = dataOf(await t.gql(LIST, { first: 500 }));
    expect(r.orders.edges).toHaveLength(100);
    expect(r.orders.pageInfo.hasNextPage).toBe(true);
  });
});

describe('order fields', () => {
  const ORDER = `query($id: ID!) { order(id: $id) {
    id externalId channel account { name } status remoteStatus remoteOrderStatus statusEditedAt
    customer { name email phone } total currency placedAt remoteUpdatedAt itemCount createdAt updatedAt
    items { position sku externalProductId name quantity price lineTotal product { id sku totalStock } }
  } }`;

  it('shows an order with its customer and lines, each line with its catalog product when there is one', async () => {
    const order = await seedOrder(t, {
      accountId: accounts[1]!.id,
      externalId: 'OZ-DETAIL',
      status: 'SHIPPED',
      total: '131.00',
      currency: 'RUB',
      placedAt: new Date('2026-06-01T09:30:00.000Z'),
      customer: { name: 'Ana Pop', email: null, phone: '+40 700 000 000' },
      items: [
        { sku: 'SKU-Z', quantity: 1, price: '9.90', name: null },
        { sku: 'SKU-A', quantity: 3, price: '12.50' },
        { sku: 'SKU-A', quantity: 1, price: '12.50' },
        { sku: 'SKU-B', quantity: 2, price: '0.05' },
      ],
    });
    try {
      const o = dataOf(await t.gql(ORDER, { id: order.id })).order;
      expect(o).toMatchObject({
        id: order.id,
        externalId: 'OZ-DETAIL',
        channel: 'OZON',
        account: { name: 'ozon-ro' },
        status: 'SHIPPED',
        remoteStatus: 'vendor-shipped',
        remoteOrderStatus: 'SHIPPED',
        statusEditedAt: null,
        customer: { name: 'Ana Pop', email: null, phone: '+40 700 000 000' },
        total: '131.00',
        currency: 'RUB',
        placedAt: '2026-06-01T09:30:00.000Z',
        remoteUpdatedAt: null,
        itemCount: 4,
      });
      expect(o.items).toEqual([
        { position: 1, sku: 'SKU-Z', externalProductId: 'P-SKU-Z', name: null, quantity: 1, price: '9.90', lineTotal: '9.90', product: null },
        { position: 2, sku: 'SKU-A', externalProductId: 'P-SKU-A', name: 'Line SKU-A', quantity: 3, price: '12.50', lineTotal: '37.50', product: { id: products['SKU-A'], sku: 'SKU-A', totalStock: 4 } },
        { position: 3, sku: 'SKU-A', externalProductId: 'P-SKU-A', name: 'Line SKU-A', quantity: 1, price: '12.50', lineTotal: '12.50', product: { id: products['SKU-A'], sku: 'SKU-A', totalStock: 4 } },
        { position: 4, sku: 'SKU-B', externalProductId: 'P-SKU-B', name: 'Line SKU-B', quantity: 2, price: '0.05', lineTotal: '0.10', product: { id: products['SKU-B'], sku: 'SKU-B', totalStock: 0 } },
      ]);
    } finally {
      await t.app.services.prisma.order.delete({ where: { id: order.id } });
    }
  });

  it('answers null for an unknown or malformed id', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      const r = await t.gql(`query($id: ID!) { order(id: $id) { id } }`, { id });
      expect(r.errors, id).toBeUndefined();
      expect(r.data.order, id).toBeNull();
    }
  });

  it('lets a VIEWER read and refuses a call without a token', async () => {
    const viewer = await t.tokenFor('VIEWER');
    expect(dataOf(await t.gql('{ orders { totalCount } }', {}, viewer)).orders.totalCount).toBe(120);
    expect(dataOf(await t.gql(`{ order(id: "${rows[0]!.id}") { id } }`, {}, viewer)).order.id).toBe(rows[0]!.id);
    for (const q of ['{ orders { totalCount } }', `{ order(id: "${rows[0]!.id}") { id } }`]) {
      const r = await t.gql(q, {}, null);
      expect(r.errors?.[0]?.extensions?.code, q).toBe('UNAUTHENTICATED');
      expect(r.data?.orders ?? r.data?.order ?? null, q).toBeNull();
    }
  });

  it('loads a page of orders with lines and their products in a constant number of SQL statements', async () => {
    const q = `query($first: Int) { orders(first: $first) { totalCount edges { node { id channel itemCount account { name }
      items { sku lineTotal product { sku totalStock listings { account { name } } } } } } } }`;
    const counts: number[] = [];
    // 100 orders with lines, products and listings is over the default complexity limit; 5 vs 50 shows the shape.
    for (const first of [5, 50]) {
      t.resetQueries();
      const r = dataOf(await t.gql(q, { first }));
      expect(r.orders.edges).toHaveLength(first);
      const lines = r.orders.edges.flatMap((e: any) => e.node.items);
      expect(lines.some((l: any) => l.product?.sku === 'SKU-A' && l.product.listings.length === 1)).toBe(true);
      expect(lines.some((l: any) => l.product === null)).toBe(true);
      counts.push(t.queries.filter((sql) => /"(Order|OrderItem|Product|Listing|MarketplaceAccount)"/.test(sql)).length);
    }
    expect(counts[0]).toBeGreaterThan(0);
    // 5: the page with accounts and lines (relation joins) and the count; a line's product is found
    // through its account's listing with the line's offer id first (one statement), then by SKU
    // (one, with the products' listings joined), and the stock totals.
    expect(counts[0]).toBeLessThanOrEqual(5);
    expect(new Set(counts).size).toBe(1);
  });
});
