import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { listingData, seedAccount, seedOrder } from '../helpers/catalog-seed.js';
import { seedRun } from '../monitoring/seed-runs.js';
import { scheduledHandler } from '../../src/scheduler/handlers.js';

const DASHBOARD = `{ dashboardStats { batchesTotal batchesActive unitsTotal unitsAggregated aggregationRate productsTotal
  listingsByChannel { channel listings outOfStock } outOfStock ordersToday revenueToday { currency amount }
  syncSuccessRate syncRunsFinished computedAt } }`;
const m = (currency: string, amount: string) => ({ currency, amount });
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let t: TestApp;
// The clock of the statistics (monitoring settings): the test moves it.
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);
let ozon: string;

const EXPECTED = {
  batchesTotal: 3,
  batchesActive: 2,
  unitsTotal: 6,
  unitsAggregated: 3,
  aggregationRate: 0.5,
  productsTotal: 4,
  listingsByChannel: [
    { channel: 'EMAG', listings: 2, outOfStock: 1 },
    { channel: 'OZON', listings: 1, outOfStock: 0 },
    { channel: 'WILDBERRIES', listings: 0, outOfStock: 0 },
    { channel: 'STOREFRONT', listings: 0, outOfStock: 0 },
  ],
  outOfStock: 2,
  ordersToday: 5,
  revenueToday: [m('EUR', '10.00'), m('RON', '150.00')],
  syncSuccessRate: 0.6,
  syncRunsFinished: 5,
};

beforeAll(async () => {
  t = await startTestApp({ ROLE: 'api' }, { monitoring: { now } });
  const prisma = t.app.services.prisma;

  // Production: 3 batches (one closed), 6 units of which 3 aggregated.
  const wc = await prisma.workCenter.create({ data: { identifier: 'WC-DASH', name: 'Dashboard line' } });
  const batch = (batchNumber: number, closed: boolean) =>
    prisma.batch.create({
      data: {
        taskDescription: 'task', shift: 'Day', team: 'A', batchNumber, batchDate: new Date('2026-11-20'), nomenclature: 'N', eknCode: 'E',
        shiftStart: new Date('2026-11-20T08:00:00Z'), shiftEnd: new Date('2026-11-20T20:00:00Z'), workCenterId: wc.id, closed, closedAt: closed ? new Date() : null,
      },
    });
  const [b1, b2] = [await batch(1, false), await batch(2, true), await batch(3, false)];
  await prisma.unit.createMany({
    data: [
      { code: 'D-1', batchId: b1.id, aggregated: true, aggregatedAt: new Date() },
      { code: 'D-2', batchId: b1.id },
      { code: 'D-3', batchId: b1.id },
      { code: 'D-4', batchId: b1.id },
      { code: 'D-5', batchId: b2.id, aggregated: true, aggregatedAt: new Date() },
      { code: 'D-6', batchId: b2.id, aggregated: true, aggregatedAt: new Date() },
    ],
  });

  // Catalog: P1 in stock, P2 out (its stocked listing is DELISTED), P3 without listings (out),
  // P4 in stock on an INACTIVE listing (still live).
  const emag = (await seedAccount(t, 'emag', 'EMAG')).id;
  ozon = (await seedAccount(t, 'ozon', 'OZON')).id;
  const product = async (sku: string) => (await prisma.product.create({ data: { sku, name: sku } })).id;
  const [p1, p2, , p4] = [await product('P1'), await product('P2'), await product('P3'), await product('P4')];
  await prisma.listing.createMany({
    data: [
      listingData({ productId: p1, accountId: emag, sku: 'P1', stock: 5 }),
      listingData({ productId: p2, accountId: emag, sku: 'P2', stock: 0 }),
      listingData({ productId: p2, accountId: ozon, sku: 'P2', stock: 99, status: 'DELISTED' }),
      listingData({ productId: p4, accountId: ozon, sku: 'P4', stock: 3, status: 'INACTIVE' }),
    ],
  });

  // Orders: five today (UTC), of which CANCELLED and RETURNED add no revenue; one yesterday.
  const dayStart = Math.floor(now().getTime() / 86_400_000) * 86_400_000;
  const today = new Date(dayStart + 1000);
  const orders = [
    { accountId: emag, status: 'NEW', total: '100.10', currency: 'RON', placedAt: today },
    { accountId: emag, status: 'DELIVERED', total: '49.90', currency: 'RON', placedAt: today },
    { accountId: emag, status: 'CANCELLED', total: '70.00', currency: 'RON', placedAt: today },
    { accountId: ozon, status: 'RETURNED', total: '5.00', currency: 'EUR', placedAt: today },
    { accountId: ozon, status: 'SHIPPED', total: '10.00', currency: 'EUR', placedAt: today },
    { accountId: emag, status: 'NEW', total: '999.00', currency: 'RON', placedAt: new Date(dayStart - 1000) },
  ] as const;
  let n = 0;
  for (const o of orders) await seedOrder(t, { ...o, externalId: `O-${++n}` });

  // Sync runs finished in the last 24 hours: 3 SUCCESS, 1 FAILED, 1 PARTIAL (rate 3/5); an older
  // SUCCESS and a RUNNING one do not count.
  const ago = (ms: number) => new Date(now().getTime() - ms);
  for (const status of ['SUCCESS', 'SUCCESS', 'SUCCESS', 'FAILED', 'PARTIAL'] as const) await seedRun(t, emag, { status, createdAt: ago(2 * HOUR), finishedAt: ago(HOUR) });
  await seedRun(t, emag, { status: 'SUCCESS', createdAt: ago(26 * HOUR), finishedAt: ago(25 * HOUR) });
  await seedRun(t, ozon, { status: 'RUNNING', createdAt: ago(MINUTE) });
});
afterAll(() => t?.close());

describe('dashboardStats', () => {
  it('computes exact figures on first use with one statement per figure group, and stores them', async () => {
    expect(await t.app.services.prisma.statsSnapshot.count({ where: { key: 'dashboard' } })).toBe(0);
    t.resetQueries();
    const s = dataOf(await t.gql(DASHBOARD, {}, await t.tokenFor('VIEWER'))).dashboardStats;
    const { computedAt, ...figures } = s;
    expect(figures).toEqual(EXPECTED);
    const stored = await t.app.services.prisma.statsSnapshot.findUniqueOrThrow({ where: { key: 'dashboard' } });
    expect(stored.computedAt.toISOString()).toBe(computedAt);

    // Aggregates, not rows: one statement per figure group.
    const reading = (table: string) => t.queries.filter((sql) => new RegExp(`FROM "(public"\\.")?${table}"`).test(sql));
    expect(reading('Batch')).toHaveLength(1);
    expect(reading('Unit')).toHaveLength(1);
    expect(reading('Product')).toHaveLength(1);
    // Listings: per channel, and inside the products statement (out of stock).
    expect(reading('Listing')).toHaveLength(2);
    expect(reading('Order')).toHaveLength(1);
    expect(reading('SyncRun')).toHaveLength(1);
  });

  it('serves the snapshot for 5 minutes (computedAt unchanged, nothing recomputed), then recomputes', async () => {
    const first = dataOf(await t.gql(DASHBOARD)).dashboardStats;
    const prisma = t.app.services.prisma;
    const wc = await prisma.workCenter.findFirstOrThrow();
    await prisma.batch.create({
      data: {
        taskDescription: 'late', shift: 'Night', team: 'B', batchNumber: 4, batchDate: new Date('2026-11-21'), nomenclature: 'N', eknCode: 'E',
        shiftStart: new Date('2026-11-21T20:00:00Z'), shiftEnd: new Date('2026-11-22T08:00:00Z'), workCenterId: wc.id,
      },
    });

    offsetMs += 4 * MINUTE;
    t.resetQueries();
    const second = dataOf(await t.gql(DASHBOARD)).dashboardStats;
    expect(second).toEqual(first);
    expect(t.queries.filter((sql) => /"(Batch|Unit|Product|Listing|Order|SyncRun)"/.test(sql))).toEqual([]);
    expect(t.queries.filter((sql) => /"StatsSnapshot"/.test(sql))).toHaveLength(1);

    offsetMs += 2 * MINUTE; // now 6 minutes old
    const third = dataOf(await t.gql(DASHBOARD)).dashboardStats;
    expect(new Date(third.computedAt).getTime()).toBeGreaterThan(new Date(first.computedAt).getTime());
    expect(third.batchesTotal).toBe(EXPECTED.batchesTotal + 1);
    expect(third.batchesActive).toBe(EXPECTED.batchesActive + 1);
  });

  it('refresh: true counts a change made just before, however recent the last computation', async () => {
    const REFRESH = '{ dashboardStats(refresh: true) { batchesTotal computedAt } }';
    const before = dataOf(await t.gql(REFRESH)).dashboardStats;
    const wc = await t.app.services.prisma.workCenter.findFirstOrThrow();
    await t.app.services.prisma.batch.create({
      data: {
        taskDescription: 'just made', shift: 'Day', team: 'C', batchNumber: 5, batchDate: new Date('2026-11-22'), nomenclature: 'N', eknCode: 'E',
        shiftStart: new Date('2026-11-22T08:00:00Z'), shiftEnd: new Date('2026-11-22T20:00:00Z'), workCenterId: wc.id,
      },
    });
    // Asked again at once (well within a second of the figures above): the new batch counts.
    const after = dataOf(await t.gql(REFRESH)).dashboardStats;
    expect(after.batchesTotal).toBe(before.batchesTotal + 1);
  });

  it('refresh: true from many callers at once: those arriving during a computation share the next one', async () => {
    t.resetQueries();
    const CALLERS = 10;
    const answers = await Promise.all(Array.from({ length: CALLERS }, () => t.gql('{ dashboardStats(refresh: true) { batchesTotal } }')));
    for (const answer of answers) expect(dataOf(answer).dashboardStats.batchesTotal).toBeGreaterThan(0);
    const computations = t.queries.filter((sql) => /FROM "Batch"/.test(sql)).length;
    expect(computations).toBeGreaterThanOrEqual(1);
    expect(computations).toBeLessThan(CALLERS);
  });

  it('is refreshed by the STATS_REFRESH scheduled handler, together with the per-channel statistics', async () => {
    const handler = scheduledHandler('STATS_REFRESH');
    expect(handler).toBeDefined();
    offsetMs += MINUTE;
    const at = now();
    await handler!(t.app.services, { scheduleId: 'test', key: 'stats-refresh', kind: 'STATS_REFRESH', fireAt: at, now: at });
    const prisma = t.app.services.prisma;
    const dashboard = await prisma.statsSnapshot.findUniqueOrThrow({ where: { key: 'dashboard' } });
    const channels = await prisma.statsSnapshot.findUniqueOrThrow({ where: { key: 'channel-stats' } });
    expect(dashboard.computedAt.getTime()).toBeGreaterThanOrEqual(at.getTime());
    expect(channels.computedAt.getTime()).toBeGreaterThanOrEqual(at.getTime());
    const served = dataOf(await t.gql(DASHBOARD)).dashboardStats;
    expect(served.computedAt).toBe(dashboard.computedAt.toISOString());
  });

  it('has null rates when there is nothing to measure', async () => {
    const prisma = t.app.services.prisma;
    await prisma.unit.deleteMany();
    await prisma.syncRun.deleteMany();
    offsetMs += 10 * MINUTE;
    const s = dataOf(await t.gql(DASHBOARD)).dashboardStats;
    expect(s).toMatchObject({ unitsTotal: 0, unitsAggregated: 0, aggregationRate: null, syncSuccessRate: null, syncRunsFinished: 0 });
  });

  it('needs a token', async () => {
    const r = await t.gql(DASHBOARD, {}, null);
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
