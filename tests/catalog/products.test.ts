import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { listingData, seedAccount, type ListingSeed } from '../helpers/catalog-seed.js';
import { cmp, walkConnection } from '../helpers/paging.js';

// 150 products with known listings on four accounts, so every filter and sort can be checked
// against a plain in-memory computation of the same answer.
let t: TestApp;
type Account = { id: string; name: string; channel: string };
type Row = { id: string; sku: string; name: string; cost: number | null; hidden: boolean; createdAt: string; updatedAt: string; listings: ListingSeed[] };
let rows: Row[] = [];
let accounts: Record<'emagMain' | 'emagFbe' | 'ozon' | 'wb', Account>;

const pad = (n: number, w = 3) => String(n).padStart(w, '0');
const WORDS = ['apple', 'berry', 'cherry', 'grape', 'lemon', 'mango', 'peach', 'plum'];

beforeAll(async () => {
  t = await startTestApp();
  const prisma = t.app.services.prisma;
  // Created out of name order, so the listing order is not the insertion order.
  accounts = {
    wb: await seedAccount(t, 'wb-ru', 'WILDBERRIES'),
    ozon: await seedAccount(t, 'ozon-ro', 'OZON'),
    emagMain: await seedAccount(t, 'emag-main', 'EMAG'),
    emagFbe: await seedAccount(t, 'emag-fbe', 'EMAG'),
  };
  const base = Date.UTC(2026, 0, 1);
  await prisma.product.createMany({
    data: Array.from({ length: 150 }, (_, i) => ({
      sku: `SKU-${pad(i)}`,
      name: `${WORDS[i % 8]} mug ${pad((i * 37) % 150)}`,
      cost: i % 5 === 0 ? null : `${(i * 37) % 200}.${pad(i % 100, 2)}`,
      hidden: i % 7 === 0,
      createdAt: new Date(base + (i % 40) * 60_000),
      updatedAt: new Date(base + ((i * 17) % 150) * 1000),
    })),
  });
  const products = await prisma.product.findMany();
  const listings: ListingSeed[] = [];
  for (const p of products) {
    const i = Number(p.sku.slice(4));
    const of = (accountId: string, extra: Partial<ListingSeed>) => listings.push({ productId: p.id, accountId, sku: p.sku, ...extra });
    if (i % 2 === 0) of(accounts.emagMain.id, { stock: i % 10 === 0 ? 3 : (i * 7) % 5, status: i % 10 === 0 ? 'DELISTED' : 'ACTIVE' });
    if (i % 4 === 1) of(accounts.emagFbe.id, { stock: i % 3, status: i % 8 === 1 ? 'INACTIVE' : 'ACTIVE' });
    if (i % 3 === 0) of(accounts.ozon.id, { stock: i % 4 === 0 ? 0 : 2, currency: 'RUB', price: `${100 + i}.50` });
    if (i % 5 === 0) of(accounts.wb.id, { stock: 0, stockByWarehouse: { '507002': 0, '507001': 0 } });
  }
  await prisma.listing.createMany({ data: listings.map(listingData) });
  rows = products.map((p) => ({
    id: p.id,
    sku: p.sku,
    name: p.name,
    cost: p.cost == null ? null : Number(p.cost),
    hidden: p.hidden,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    listings: listings.filter((l) => l.productId === p.id),
  }));
});
afterAll(() => t?.close());

const LIST = `query($filter: ProductFilter, $orderBy: ProductOrder, $first: Int, $after: String) {
  products(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id sku totalStock } }
  } }`;

const walk = (variables: Record<string, unknown>, token?: string) => walkConnection(t.gql, LIST, 'products', variables, token);

const live = (l: ListingSeed) => l.status !== 'DELISTED';
const totalStock = (r: Row) => r.listings.filter(live).reduce((n, l) => n + (l.stock ?? 0), 0);

describe('products list', () => {
  it('lists every product once, by SKU by default, with totalCount over pages of 100', async () => {
    const { ids, totalCount } = await walk({});
    expect(totalCount).toBe(150);
    expect(ids).toEqual([...rows].sort((a, b) => cmp(a.sku, b.sku)).map((r) => r.id));
  });

  it('sorts by every field in both directions, ids breaking ties, products without a cost last', async () => {
    const keys: Record<string, (r: Row) => string | number | null> = {
      SKU: (r) => r.sku,
      NAME: (r) => r.name,
      COST: (r) => r.cost,
      CREATED_AT: (r) => r.createdAt,
      UPDATED_AT: (r) => r.updatedAt,
    };
    for (const [field, key] of Object.entries(keys)) {
      for (const direction of ['ASC', 'DESC'] as const) {
        const sign = direction === 'ASC' ? 1 : -1;
        const expected = [...rows]
          .sort((a, b) => {
            const ka = key(a);
            const kb = key(b);
            if (ka === null || kb === null) return ka === kb ? sign * cmp(a.id, b.id) : ka === null ? 1 : -1;
            return sign * (cmp(ka, kb) || cmp(a.id, b.id));
          })
          .map((r) => r.id);
        const { ids } = await walk({ orderBy: { field, direction } });
        expect(ids, `${field} ${direction}`).toEqual(expected);
      }
    }
  });

  it('filters by channel, account, search, stock and hidden, alone and together', async () => {
    const on = (r: Row, accountIds: string[]) => r.listings.some((l) => accountIds.includes(l.accountId));
    const inStock = (r: Row, accountIds?: string[]) => r.listings.some((l) => live(l) && (l.stock ?? 0) > 0 && (!accountIds || accountIds.includes(l.accountId)));
    const emag = [accounts.emagMain.id, accounts.emagFbe.id];
    const cases: [Record<string, unknown>, (r: Row) => boolean][] = [
      [{ channel: 'EMAG' }, (r) => on(r, emag)],
      [{ channel: 'WILDBERRIES' }, (r) => on(r, [accounts.wb.id])],
      [{ accountId: accounts.ozon.id }, (r) => on(r, [accounts.ozon.id])],
      [{ search: 'sku-01' }, (r) => r.sku.startsWith('SKU-01')],
      [{ search: '  MANGO ' }, (r) => r.name.startsWith('mango')],
      [{ search: 'mug 00' }, (r) => r.name.includes('mug 00')],
      [{ outOfStock: true }, (r) => !inStock(r)],
      [{ outOfStock: false }, (r) => inStock(r)],
      [{ hidden: true }, (r) => r.hidden],
      [{ hidden: false }, (r) => !r.hidden],
      [{ channel: 'EMAG', outOfStock: true }, (r) => on(r, emag) && !inStock(r, emag)],
      [{ accountId: accounts.ozon.id, outOfStock: false, hidden: false }, (r) => on(r, [accounts.ozon.id]) && inStock(r, [accounts.ozon.id]) && !r.hidden],
      [{ channel: 'OZON', search: 'plum' }, (r) => on(r, [accounts.ozon.id]) && r.name.startsWith('plum')],
    ];
    for (const [filter, predicate] of cases) {
      const { ids, totalCount } = await walk({ filter });
      const expected = rows.filter(predicate).map((r) => r.id).sort();
      expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(expected.length, JSON.stringify(filter)).toBeLessThan(150);
      expect(totalCount, JSON.stringify(filter)).toBe(expected.length);
      expect([...ids].sort(), JSON.stringify(filter)).toEqual(expected);
    }
    // SKU-010's only stock is on a DELISTED listing (emag-main, 3 units): it is out of stock.
    const delistedOnly = rows.find((r) => r.sku === 'SKU-010')!;
    expect(totalStock(delistedOnly)).toBe(0);
    expect((await walk({ filter: { outOfStock: true } })).ids).toContain(delistedOnly.id);
    expect((await walk({ filter: { outOfStock: true, accountId: accounts.emagMain.id } })).ids).toContain(delistedOnly.id);
  });

  it('answers an empty page for filters that match nothing, including a malformed account id', async () => {
    for (const filter of [{ search: 'no such thing' }, { accountId: 'not-a-uuid' }, { accountId: '00000000-0000-4000-8000-000000000000' }, { channel: 'STOREFRONT' }]) {
      const r = dataOf(await t.gql(LIST, { filter, first: 10 }));
      expect(r.products, JSON.stringify(filter)).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
    }
  });

  it('caps a page at 100', async () => {
    const r = dataOf(await t.gql(LIST, { first: 1000 }));
    expect(r.products.edges).toHaveLength(100);
    expect(r.products.pageInfo.hasNextPage).toBe(true);
    expect(r.products.totalCount).toBe(150);
  });

  it('totals stock over listings that are not DELISTED', async () => {
    const { ids } = await walk({});
    const r = dataOf(await t.gql(`{ products(first: 100) { edges { node { id totalStock listingCount } } } }`));
    for (const { node } of r.products.edges) {
      const row = rows.find((x) => x.id === node.id)!;
      expect(node, row.sku).toEqual({ id: row.id, totalStock: totalStock(row), listingCount: row.listings.length });
    }
    expect(ids).toHaveLength(150);
  });
});

describe('product and listing fields', () => {
  const PRODUCT = `query($id: ID!, $accountId: ID) { product(id: $id) {
    id sku name cost hidden totalStock listingCount createdAt updatedAt
    listings(accountId: $accountId) { id channel account { name channel } product { sku } externalId sku name price currency stock
      stockByWarehouse { warehouseId stock } status remoteStatus remotePrice remoteStock remoteUpdatedAt priceEditedAt stockEditedAt
      hasPendingEdit lastSeenAt createdAt updatedAt }
  } }`;

  it('shows a product with its listings by channel then account name', async () => {
    // SKU-060: emag-main (DELISTED, 3 units), ozon (0), wb (0); none on emag-fbe. Add one on emag-fbe with warehouses and a pending edit.
    const row = rows.find((r) => r.sku === 'SKU-060')!;
    const edited = new Date('2026-03-01T10:00:00.000Z');
    const fbe = await t.app.services.prisma.listing.create({
      data: listingData({
        productId: row.id,
        accountId: accounts.emagFbe.id,
        sku: row.sku,
        externalId: 'FBE-60',
        price: '19.99',
        stock: 12,
        stockByWarehouse: { '10': 5, '2': 4, '1': 3 },
        priceEditedAt: edited,
      }),
    });
    try {
      const p = dataOf(await t.gql(PRODUCT, { id: row.id })).product;
      expect(p).toMatchObject({ id: row.id, sku: 'SKU-060', name: row.name, cost: null, hidden: false, listingCount: 4, totalStock: 12 });
      expect(p.listings.map((l: any) => l.account.name)).toEqual(['emag-fbe', 'emag-main', 'ozon-ro', 'wb-ru']);
      expect(p.listings.map((l: any) => l.channel)).toEqual(['EMAG', 'EMAG', 'OZON', 'WILDBERRIES']);
      const [first, delisted, ozon, wb] = p.listings;
      expect(first).toMatchObject({
        id: fbe.id,
        externalId: 'FBE-60',
        sku: 'SKU-060',
        product: { sku: 'SKU-060' },
        price: '19.99',
        remotePrice: '19.99',
        currency: 'RON',
        stock: 12,
        remoteStock: 12,
        status: 'ACTIVE',
        remoteStatus: 'remote-active',
        priceEditedAt: edited.toISOString(),
        stockEditedAt: null,
        remoteUpdatedAt: null,
        hasPendingEdit: true,
      });
      // Sorted by warehouse id as a number-aware string: 1, 2, 10.
      expect(first.stockByWarehouse).toEqual([
        { warehouseId: '1', stock: 3 },
        { warehouseId: '2', stock: 4 },
        { warehouseId: '10', stock: 5 },
      ]);
      expect(delisted).toMatchObject({ status: 'DELISTED', stock: 3, hasPendingEdit: false, stockByWarehouse: [] });
      expect(ozon).toMatchObject({ currency: 'RUB', price: '160.50', stock: 0 });
      expect(wb.stockByWarehouse).toEqual([
        { warehouseId: '507001', stock: 0 },
        { warehouseId: '507002', stock: 0 },
      ]);
      for (const l of p.listings) expect(new Date(l.lastSeenAt).toISOString()).toBe(l.lastSeenAt);

      const only = dataOf(await t.gql(PRODUCT, { id: row.id, accountId: accounts.ozon.id })).product;
      expect(only.listings.map((l: any) => l.account.name)).toEqual(['ozon-ro']);
      expect(only.listingCount).toBe(4);
      expect(dataOf(await t.gql(PRODUCT, { id: row.id, accountId: 'nope' })).product.listings).toEqual([]);
    } finally {
      await t.app.services.prisma.listing.delete({ where: { id: fbe.id } });
    }
  });

  it('shows a cost as an exact decimal string', async () => {
    const row = rows.find((r) => r.sku === 'SKU-003')!;
    expect(dataOf(await t.gql(`query($id: ID!) { product(id: $id) { cost hidden } }`, { id: row.id })).product).toEqual({ cost: '111.03', hidden: false });
  });

  it('answers null for an unknown or malformed id', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', '42']) {
      const r = await t.gql(`query($id: ID!) { product(id: $id) { id } }`, { id });
      expect(r.errors, id).toBeUndefined();
      expect(r.data.product, id).toBeNull();
    }
  });
});

describe('products access and cost', () => {
  it('lets a VIEWER read and refuses a call without a token', async () => {
    const viewer = await t.tokenFor('VIEWER');
    expect(dataOf(await t.gql('{ products { totalCount } }', {}, viewer)).products.totalCount).toBe(150);
    for (const q of ['{ products { totalCount } }', `{ product(id: "${rows[0]!.id}") { id } }`]) {
      const r = await t.gql(q, {}, null);
      expect(r.errors?.[0]?.extensions?.code, q).toBe('UNAUTHENTICATED');
      expect(r.data?.products ?? r.data?.product ?? null).toBeNull();
    }
  });

  it('loads a page with listings, accounts and stock totals in a constant number of SQL statements', async () => {
    const q = `query($first: Int) { products(first: $first) { totalCount edges { node { id totalStock listingCount
      listings { id channel stockByWarehouse { warehouseId } account { name channel } product { sku } } } } } }`;
    const counts: number[] = [];
    for (const first of [5, 50, 100]) {
      t.resetQueries();
      const r = dataOf(await t.gql(q, { first }));
      expect(r.products.edges).toHaveLength(first);
      expect(r.products.edges[0].node.listings.length).toBeGreaterThan(0);
      counts.push(t.queries.filter((sql) => /"(Product|Listing|MarketplaceAccount)"/.test(sql)).length);
    }
    expect(counts[0]).toBeGreaterThan(0);
    // One statement for the page with its listings and their accounts (relation joins), the count, the stock totals.
    expect(counts[0]).toBeLessThanOrEqual(3);
    expect(new Set(counts).size).toBe(1);
  });
});
