import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { seedAccount, seedOrder } from '../helpers/catalog-seed.js';

let t: TestApp;
let emag: string;
let ozon: string;
let shop: string;

const STATS = `query($from: DateTime, $to: DateTime, $channel: Channel, $accountId: ID) {
  orderStats(from: $from, to: $to, channel: $channel, accountId: $accountId) {
    from to channel accountId count revenue { currency amount } total { currency amount }
    byStatus { status count revenue { currency amount } total { currency amount } }
    byChannel { channel count revenue { currency amount } total { currency amount } }
  } }`;
const BY_DAY = `query($from: DateTime, $to: DateTime, $channel: Channel) {
  orderStats(from: $from, to: $to, channel: $channel) { count byDay { date count revenue { currency amount } total { currency amount } } } }`;

const FROM = '2026-05-01T00:00:00.000Z';
const TO = '2026-05-04T00:00:00.000Z';
const m = (currency: string, amount: string) => ({ currency, amount });

beforeAll(async () => {
  t = await startTestApp();
  emag = (await seedAccount(t, 'emag-main', 'EMAG')).id;
  ozon = (await seedAccount(t, 'ozon-ro', 'OZON')).id;
  shop = (await seedAccount(t, 'shop', 'STOREFRONT')).id;
  const orders = [
    // In the period [FROM, TO).
    { accountId: emag, status: 'NEW', total: '100.10', currency: 'RON', placedAt: '2026-05-01T10:00:00.000Z' },
    { accountId: emag, status: 'DELIVERED', total: '50.05', currency: 'RON', placedAt: '2026-05-01T23:59:59.999Z' },
    { accountId: emag, status: 'CANCELLED', total: '70.00', currency: 'RON', placedAt: '2026-05-02T12:00:00.000Z' },
    { accountId: ozon, status: 'SHIPPED', total: '1000.00', currency: 'RUB', placedAt: '2026-05-02T00:00:00.000Z' },
    { accountId: ozon, status: 'RETURNED', total: '300.00', currency: 'RUB', placedAt: '2026-05-03T08:00:00.000Z' },
    { accountId: shop, status: 'PROCESSING', total: '20.00', currency: 'EUR', placedAt: '2026-05-03T09:00:00.000Z' },
    { accountId: shop, status: 'DELIVERED', total: '15.55', currency: 'RON', placedAt: '2026-05-03T10:00:00.000Z' },
    // Just outside it: before FROM, and at TO (the end is excluded).
    { accountId: emag, status: 'NEW', total: '999.00', currency: 'RON', placedAt: '2026-04-30T23:59:59.999Z' },
    { accountId: emag, status: 'NEW', total: '999.00', currency: 'RON', placedAt: TO },
    // For the default period (the last 30 days): one inside, one outside.
    { accountId: shop, status: 'NEW', total: '5.00', currency: 'RON', placedAt: new Date(Date.now() - 86_400_000).toISOString() },
    { accountId: shop, status: 'NEW', total: '7.00', currency: 'RON', placedAt: new Date(Date.now() - 31 * 86_400_000).toISOString() },
  ] as const;
  let n = 0;
  for (const o of orders) await seedOrder(t, { ...o, externalId: `S-${++n}`, placedAt: new Date(o.placedAt) });
});
afterAll(() => t?.close());

describe('orderStats', () => {
  it('counts and sums the period per currency, status and channel, leaving CANCELLED and RETURNED out of revenue', async () => {
    t.resetQueries();
    const s = dataOf(await t.gql(STATS, { from: FROM, to: TO })).orderStats;
    expect(s).toEqual({
      from: FROM,
      to: TO,
      channel: null,
      accountId: null,
      count: 7,
      revenue: [m('EUR', '20.00'), m('RON', '165.70'), m('RUB', '1000.00')],
      total: [m('EUR', '20.00'), m('RON', '235.70'), m('RUB', '1300.00')],
      byStatus: [
        { status: 'NEW', count: 1, revenue: [m('RON', '100.10')], total: [m('RON', '100.10')] },
        { status: 'PROCESSING', count: 1, revenue: [m('EUR', '20.00')], total: [m('EUR', '20.00')] },
        { status: 'SHIPPED', count: 1, revenue: [m('RUB', '1000.00')], total: [m('RUB', '1000.00')] },
        { status: 'DELIVERED', count: 2, revenue: [m('RON', '65.60')], total: [m('RON', '65.60')] },
        { status: 'CANCELLED', count: 1, revenue: [], total: [m('RON', '70.00')] },
        { status: 'RETURNED', count: 1, revenue: [], total: [m('RUB', '300.00')] },
      ],
      byChannel: [
        { channel: 'EMAG', count: 3, revenue: [m('RON', '150.15')], total: [m('RON', '220.15')] },
        { channel: 'OZON', count: 2, revenue: [m('RUB', '1000.00')], total: [m('RUB', '1300.00')] },
        { channel: 'STOREFRONT', count: 2, revenue: [m('EUR', '20.00'), m('RON', '15.55')], total: [m('EUR', '20.00'), m('RON', '15.55')] },
      ],
    });
    // Aggregated by the database in one grouped statement, not by reading the orders.
    const reads = t.queries.filter((sql) => /"Order"/.test(sql));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatch(/GROUP BY/i);
  });

  it('limits the stats to a channel or an account', async () => {
    const byChannel = dataOf(await t.gql(STATS, { from: FROM, to: TO, channel: 'EMAG' })).orderStats;
    expect(byChannel).toMatchObject({ channel: 'EMAG', count: 3, revenue: [m('RON', '150.15')], total: [m('RON', '220.15')] });
    expect(byChannel.byChannel.map((c: any) => c.channel)).toEqual(['EMAG']);
    expect(byChannel.byStatus.map((c: any) => [c.status, c.count])).toEqual([['NEW', 1], ['DELIVERED', 1], ['CANCELLED', 1]]);

    const byAccount = dataOf(await t.gql(STATS, { from: FROM, to: TO, accountId: ozon })).orderStats;
    expect(byAccount).toMatchObject({ accountId: ozon, count: 2, revenue: [m('RUB', '1000.00')], total: [m('RUB', '1300.00')] });

    const none = dataOf(await t.gql(STATS, { from: FROM, to: TO, accountId: shop, channel: 'EMAG' })).orderStats;
    expect(none).toMatchObject({ count: 0, revenue: [], total: [], byStatus: [], byChannel: [] });
    expect(dataOf(await t.gql(STATS, { from: FROM, to: TO, accountId: 'not-a-uuid' })).orderStats.count).toBe(0);
  });

  it('breaks the period down per UTC day, days without orders included', async () => {
    const s = dataOf(await t.gql(BY_DAY, { from: '2026-04-30T00:00:00.000Z', to: '2026-05-05T00:00:00.000Z' })).orderStats;
    expect(s.count).toBe(9);
    expect(s.byDay).toEqual([
      { date: '2026-04-30', count: 1, revenue: [m('RON', '999.00')], total: [m('RON', '999.00')] },
      { date: '2026-05-01', count: 2, revenue: [m('RON', '150.15')], total: [m('RON', '150.15')] },
      { date: '2026-05-02', count: 2, revenue: [m('RUB', '1000.00')], total: [m('RON', '70.00'), m('RUB', '1000.00')] },
      { date: '2026-05-03', count: 3, revenue: [m('EUR', '20.00'), m('RON', '15.55')], total: [m('EUR', '20.00'), m('RON', '15.55'), m('RUB', '300.00')] },
      { date: '2026-05-04', count: 1, revenue: [m('RON', '999.00')], total: [m('RON', '999.00')] },
    ]);
    // An end at midnight does not add that day; an empty period still names its day.
    expect(dataOf(await t.gql(BY_DAY, { from: FROM, to: TO })).orderStats.byDay.map((d: any) => d.date)).toEqual(['2026-05-01', '2026-05-02', '2026-05-03']);
    const quiet = dataOf(await t.gql(BY_DAY, { from: '2026-06-10T05:00:00.000Z', to: '2026-06-12T05:00:00.000Z', channel: 'OZON' })).orderStats;
    expect(quiet).toEqual({
      count: 0,
      byDay: ['2026-06-10', '2026-06-11', '2026-06-12'].map((date) => ({ date, count: 0, revenue: [], total: [] })),
    });
  });

  it('covers the last 30 days by default', async () => {
    const before = Date.now();
    const s = dataOf(await t.gql(STATS)).orderStats;
    const to = Date.parse(s.to);
    expect(to).toBeGreaterThanOrEqual(before - 1000);
    expect(to - Date.parse(s.from)).toBe(30 * 86_400_000);
    expect(s).toMatchObject({ count: 1, revenue: [m('RON', '5.00')], byChannel: [{ channel: 'STOREFRONT', count: 1 }] });
    expect(dataOf(await t.gql(BY_DAY)).orderStats.byDay).toHaveLength(31);
  });

  it('refuses from after to, and a per-day breakdown past 366 days, with BAD_USER_INPUT', async () => {
    const r = await t.gql(STATS, { from: TO, to: FROM });
    // The rule of every time range (tests/graphql/time-ranges.test.ts).
    expect(r.errors?.[0]).toMatchObject({ message: `to (${FROM}) is before from (${TO})`, extensions: { code: 'BAD_USER_INPUT', reason: 'VALIDATION', field: ['to'] } });
    expect(r.data?.orderStats ?? null).toBeNull();

    const long = { from: '2025-01-01T00:00:00.000Z', to: '2026-01-03T00:00:00.000Z' };
    expect(dataOf(await t.gql(STATS, long)).orderStats.count).toBe(0);
    const refused = await t.gql(BY_DAY, long);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'RANGE_TOO_LONG' });
    expect(refused.errors?.[0]?.message).toMatch(/at most 366 days; the period spans 367 days/);
    expect(dataOf(await t.gql(BY_DAY, { from: '2025-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' })).orderStats.byDay).toHaveLength(366);
  });

  it('lets a VIEWER read and refuses a call without a token', async () => {
    const viewer = await t.tokenFor('VIEWER');
    expect(dataOf(await t.gql(STATS, { from: FROM, to: TO }, viewer)).orderStats.count).toBe(7);
    const r = await t.gql(STATS, { from: FROM, to: TO }, null);
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(r.data?.orderStats ?? null).toBeNull();
  });
});
