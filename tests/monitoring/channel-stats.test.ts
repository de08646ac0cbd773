import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { listingData, seedAccount, seedOrder } from '../helpers/catalog-seed.js';
import { scheduledHandler } from '../../src/scheduler/handlers.js';

const STATS = `query($refresh: Boolean) { channelStatistics(refresh: $refresh) { computedAt ordersFrom
  channels { channel accounts listings activeListings outOfStock stockUnits orders revenue { currency amount } } } }`;
const m = (currency: string, amount: string) => ({ currency, amount });
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

let t: TestApp;
let emagMain: string;
let emagFbe: string;
let ozon: string;

beforeAll(async () => {
  t = await startTestApp({ ROLE: 'api' });
  emagMain = (await seedAccount(t, 'emag main', 'EMAG')).id;
  emagFbe = (await seedAccount(t, 'emag fbe', 'EMAG')).id;
  ozon = (await seedAccount(t, 'ozon', 'OZON')).id;
  const prisma = t.app.services.prisma;
  const product = async (sku: string) => (await prisma.product.create({ data: { sku, name: sku } })).id;
  const [p1, p2, p3] = [await product('SKU-1'), await product('SKU-2'), await product('SKU-3')];
  await prisma.listing.createMany({
    data: [
      listingData({ productId: p1, accountId: emagMain, sku: 'SKU-1', stock: 5 }),
      listingData({ productId: p2, accountId: emagMain, sku: 'SKU-2', stock: 0 }),
      listingData({ productId: p3, accountId: emagMain, sku: 'SKU-3', stock: 2, status: 'INACTIVE' }),
      listingData({ productId: p1, accountId: emagFbe, sku: 'SKU-1', stock: 10 }),
      // Gone from the marketplace: counts nowhere.
      listingData({ productId: p2, accountId: emagFbe, sku: 'SKU-2', stock: 99, status: 'DELISTED' }),
      listingData({ productId: p1, accountId: ozon, sku: 'SKU-1', stock: 0, status: 'INACTIVE' }),
    ],
  });
  const orders = [
    { accountId: emagMain, status: 'NEW', total: '100.10', currency: 'RON', placedAt: daysAgo(1) },
    { accountId: emagFbe, status: 'DELIVERED', total: '49.90', currency: 'RON', placedAt: daysAgo(29) },
    { accountId: emagMain, status: 'CANCELLED', total: '70.00', currency: 'RON', placedAt: daysAgo(2) },
    { accountId: emagMain, status: 'SHIPPED', total: '10.00', currency: 'EUR', placedAt: daysAgo(3) },
    { accountId: ozon, status: 'RETURNED', total: '300.00', currency: 'RUB', placedAt: daysAgo(4) },
    // Older than 30 days: not counted.
    { accountId: emagMain, status: 'NEW', total: '999.00', currency: 'RON', placedAt: daysAgo(31) },
  ] as const;
  let n = 0;
  for (const o of orders) await seedOrder(t, { ...o, externalId: `O-${++n}` });
});
afterAll(() => t?.close());

const EXPECTED = [
  { channel: 'EMAG', accounts: 2, listings: 4, activeListings: 3, outOfStock: 1, stockUnits: 17, orders: 4, revenue: [m('EUR', '10.00'), m('RON', '150.00')] },
  { channel: 'OZON', accounts: 1, listings: 1, activeListings: 0, outOfStock: 1, stockUnits: 0, orders: 1, revenue: [] },
  { channel: 'WILDBERRIES', accounts: 0, listings: 0, activeListings: 0, outOfStock: 0, stockUnits: 0, orders: 0, revenue: [] },
  { channel: 'STOREFRONT', accounts: 0, listings: 0, activeListings: 0, outOfStock: 0, stockUnits: 0, orders: 0, revenue: [] },
];

describe('channelStatistics', () => {
  it('computes every channel on first use, leaving DELISTED listings out and CANCELLED / RETURNED orders out of revenue', async () => {
    expect(await t.app.services.prisma.statsSnapshot.count()).toBe(0);
    const s = dataOf(await t.gql(STATS, {}, await t.tokenFor('VIEWER'))).channelStatistics;
    expect(s.channels).toEqual(EXPECTED);
    expect(new Date(s.computedAt).getTime() - new Date(s.ordersFrom).getTime()).toBe(30 * 86_400_000);
    const stored = await t.app.services.prisma.statsSnapshot.findUniqueOrThrow({ where: { key: 'channel-stats' } });
    expect(stored.computedAt.toISOString()).toBe(s.computedAt);
  });

  it('serves the stored snapshot afterwards: no recomputation, new data waits for the next refresh', async () => {
    const first = dataOf(await t.gql(STATS)).channelStatistics;
    await seedOrder(t, { accountId: ozon, externalId: 'O-late', status: 'NEW', total: '5.00', currency: 'RUB', placedAt: daysAgo(1) });
    t.resetQueries();
    const second = dataOf(await t.gql(STATS)).channelStatistics;
    expect(second).toEqual(first);
    expect(t.queries.filter((sql) => /"(Listing|Order|MarketplaceAccount)"/.test(sql))).toEqual([]);
    expect(t.queries.filter((sql) => /"StatsSnapshot"/.test(sql))).toHaveLength(1);

    // A firing of the STATS_REFRESH schedule recomputes the snapshot.
    const refresh = scheduledHandler('STATS_REFRESH');
    expect(refresh).toBeTypeOf('function');
    const now = new Date();
    await refresh!(t.app.services, { scheduleId: 'test', key: 'stats-refresh', kind: 'STATS_REFRESH', fireAt: now, now });
    const third = dataOf(await t.gql(STATS)).channelStatistics;
    const stored = await t.app.services.prisma.statsSnapshot.findUniqueOrThrow({ where: { key: 'channel-stats' } });
    expect(third.computedAt).toBe(stored.computedAt.toISOString());
    expect(new Date(third.computedAt).getTime()).toBeGreaterThan(new Date(first.computedAt).getTime());
    expect(third.channels[1]).toEqual({ ...EXPECTED[1], orders: 2, revenue: [m('RUB', '5.00')] });
  });

  it('refresh: true recomputes for an OPERATOR and is FORBIDDEN to a VIEWER (who may still read)', async () => {
    const before = dataOf(await t.gql(STATS)).channelStatistics;
    const viewer = await t.tokenFor('VIEWER');
    const refused = await t.gql(STATS, { refresh: true }, viewer);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.data?.channelStatistics ?? null).toBeNull();
    expect((await t.app.services.prisma.statsSnapshot.findUniqueOrThrow({ where: { key: 'channel-stats' } })).computedAt.toISOString()).toBe(before.computedAt);

    const fresh = dataOf(await t.gql(STATS, { refresh: true }, await t.tokenFor('OPERATOR'))).channelStatistics;
    expect(new Date(fresh.computedAt).getTime()).toBeGreaterThan(new Date(before.computedAt).getTime());
    expect(fresh.channels).toEqual(before.channels);
  });

  it('needs a token', async () => {
    const r = await t.gql('{ channelStatistics { computedAt } }', {}, null);
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
