import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { seedAccount, seedOrder, type OrderSeed } from '../helpers/catalog-seed.js';

let t: TestApp;
let productId: string;

const TRENDS = `query($id: ID!, $from: Date, $to: Date) {
  productTrends(productId: $id, from: $from, to: $to) { productId sku from to unitsSold revenue { currency amount } days { date unitsSold revenue { currency amount } } } }`;
const m = (currency: string, amount: string) => ({ currency, amount });
const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await startTestApp();
  const prisma = t.app.services.prisma;
  productId = (await prisma.product.create({ data: { sku: 'TREND-1', name: 'Trend mug' } })).id;
  await prisma.product.create({ data: { sku: 'OTHER', name: 'Other' } });
  const emag = (await seedAccount(t, 'emag-main', 'EMAG')).id;
  const ozon = (await seedAccount(t, 'ozon-ro', 'OZON')).id;
  const at = (iso: string) => new Date(iso);
  const orders: Omit<OrderSeed, 'externalId'>[] = [
    // Other SKUs in the same order do not count.
    { accountId: emag, total: '25.00', placedAt: at('2026-03-02T10:00:00.000Z'), items: [{ sku: 'TREND-1', quantity: 2, price: '10.00' }, { sku: 'OTHER', quantity: 5, price: '1.00' }] },
    { accountId: ozon, status: 'DELIVERED', total: '500.00', currency: 'RUB', placedAt: at('2026-03-02T23:59:59.999Z'), items: [{ sku: 'TREND-1', quantity: 1, price: '500.00' }] },
    // Two lines of the same SKU both count.
    { accountId: emag, status: 'SHIPPED', total: '38.50', placedAt: at('2026-03-04T00:00:00.000Z'), items: [{ sku: 'TREND-1', quantity: 1, price: '10.00' }, { sku: 'TREND-1', quantity: 3, price: '9.50' }] },
    // Not sales.
    { accountId: emag, status: 'CANCELLED', total: '100.00', placedAt: at('2026-03-04T09:00:00.000Z'), items: [{ sku: 'TREND-1', quantity: 10, price: '10.00' }] },
    { accountId: ozon, status: 'RETURNED', total: '3500.00', currency: 'RUB', placedAt: at('2026-03-05T09:00:00.000Z'), items: [{ sku: 'TREND-1', quantity: 7, price: '500.00' }] },
    // Just outside 2026-03-01..2026-03-05.
    { accountId: emag, total: '10.00', placedAt: at('2026-02-28T23:59:59.999Z'), items: [{ sku: 'TREND-1', quantity: 1, price: '10.00' }] },
    { accountId: emag, total: '10.00', placedAt: at('2026-03-06T00:00:00.000Z'), items: [{ sku: 'TREND-1', quantity: 1, price: '10.00' }] },
    // For the default period (the last 30 days): one inside, one outside.
    { accountId: emag, status: 'PROCESSING', total: '24.00', placedAt: new Date(Date.now() - DAY), items: [{ sku: 'TREND-1', quantity: 2, price: '12.00' }] },
    { accountId: emag, total: '99.00', placedAt: new Date(Date.now() - 40 * DAY), items: [{ sku: 'TREND-1', quantity: 9, price: '11.00' }] },
  ];
  let n = 0;
  for (const o of orders) await seedOrder(t, { ...o, externalId: `T-${++n}` });
});
afterAll(() => t?.close());

describe('productTrends', () => {
  it('gives units and revenue per day, every day present, CANCELLED and RETURNED left out, currencies apart', async () => {
    t.resetQueries();
    const r = dataOf(await t.gql(TRENDS, { id: productId, from: '2026-03-01', to: '2026-03-05' })).productTrends;
    expect(r).toEqual({
      productId,
      sku: 'TREND-1',
      from: '2026-03-01',
      to: '2026-03-05',
      unitsSold: 7,
      revenue: [m('RON', '58.50'), m('RUB', '500.00')],
      days: [
        { date: '2026-03-01', unitsSold: 0, revenue: [] },
        { date: '2026-03-02', unitsSold: 3, revenue: [m('RON', '20.00'), m('RUB', '500.00')] },
        { date: '2026-03-03', unitsSold: 0, revenue: [] },
        { date: '2026-03-04', unitsSold: 4, revenue: [m('RON', '38.50')] },
        { date: '2026-03-05', unitsSold: 0, revenue: [] },
      ],
    });
    // The product lookup and one grouped statement over generate_series.
    const reads = t.queries.filter((sql) => /"(Order|OrderItem|Product)"/.test(sql));
    expect(reads).toHaveLength(2);
    expect(reads[1]).toMatch(/generate_series/);
  });

  it('answers a single day', async () => {
    const r = dataOf(await t.gql(TRENDS, { id: productId, from: '2026-03-04', to: '2026-03-04' })).productTrends;
    expect(r).toMatchObject({ unitsSold: 4, revenue: [m('RON', '38.50')], days: [{ date: '2026-03-04', unitsSold: 4, revenue: [m('RON', '38.50')] }] });
  });

  it('covers the last 30 days up to today by default, and up to today from a given start', async () => {
    const today = Date.parse(`${isoDay(Date.now())}T00:00:00.000Z`);
    const r = dataOf(await t.gql(TRENDS, { id: productId })).productTrends;
    expect(r.days).toHaveLength(30);
    expect(r.from).toBe(isoDay(today - 29 * DAY));
    expect(r.to).toBe(isoDay(today));
    expect(r.days[0].date).toBe(r.from);
    expect(r.days[29].date).toBe(r.to);
    expect(r.unitsSold).toBe(2);
    expect(r.revenue).toEqual([m('RON', '24.00')]);

    const fromOnly = dataOf(await t.gql(TRENDS, { id: productId, from: isoDay(today - 2 * DAY) })).productTrends;
    expect(fromOnly.days.map((d: any) => d.date)).toEqual([isoDay(today - 2 * DAY), isoDay(today - DAY), isoDay(today)]);
    const toOnly = dataOf(await t.gql(TRENDS, { id: productId, to: '2026-03-05' })).productTrends;
    expect(toOnly).toMatchObject({ from: '2026-02-04', to: '2026-03-05', unitsSold: 8 });
  });

  it('refuses from after to and periods over 366 days with BAD_USER_INPUT', async () => {
    const after = await t.gql(TRENDS, { id: productId, from: '2026-03-05', to: '2026-03-01' });
    // The rule of every time range (tests/graphql/time-ranges.test.ts).
    expect(after.errors?.[0]).toMatchObject({ message: 'to (2026-03-01) is before from (2026-03-05)', extensions: { code: 'BAD_USER_INPUT', reason: 'VALIDATION', field: ['to'] } });
    expect(after.data?.productTrends ?? null).toBeNull();
    const long = await t.gql(TRENDS, { id: productId, from: '2025-01-01', to: '2026-01-02' });
    expect(long.errors?.[0]).toMatchObject({ message: 'A trend covers at most 366 days; 2025-01-01 to 2026-01-02 is 367 days', extensions: { code: 'BAD_USER_INPUT', reason: 'RANGE_TOO_LONG' } });
    const longest = dataOf(await t.gql(TRENDS, { id: productId, from: '2025-01-01', to: '2026-01-01' })).productTrends;
    expect(longest.days).toHaveLength(366);
  });

  it('answers null for an unknown or malformed product id', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      const r = await t.gql(TRENDS, { id });
      expect(r.errors, id).toBeUndefined();
      expect(r.data.productTrends, id).toBeNull();
    }
  });

  it('lets a VIEWER read and refuses a call without a token', async () => {
    const viewer = await t.tokenFor('VIEWER');
    expect(dataOf(await t.gql(TRENDS, { id: productId, from: '2026-03-01', to: '2026-03-05' }, viewer)).productTrends.unitsSold).toBe(7);
    const r = await t.gql(TRENDS, { id: productId }, null);
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
