import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { seedAccount } from '../helpers/catalog-seed.js';
import { minutesAgo, seedRun } from './seed-runs.js';

const TOTALS = 'total successful failed partial cancelled inProgress averageDurationMs itemsSynced';
const REPORT = `query($days: Int) { syncReport(days: $days) { days from to ${TOTALS} accounts { account { name } ${TOTALS} } } }`;
const DAY = 24 * 60;

let t: TestApp;
let emag: string;
let ozon: string;

beforeAll(async () => {
  // No worker: the seeded PENDING and INTERRUPTED runs stay as they are.
  t = await startTestApp({ ROLE: 'api' });
  emag = (await seedAccount(t, 'a emag', 'EMAG')).id;
  ozon = (await seedAccount(t, 'b ozon', 'OZON')).id;
  await seedAccount(t, 'c idle', 'STOREFRONT');
  const runs: [string, Parameters<typeof seedRun>[2]][] = [
    // Within the last day.
    [emag, { status: 'SUCCESS', createdAt: minutesAgo(60), activeMs: 1000, itemsDone: 100 }],
    [emag, { status: 'SUCCESS', createdAt: minutesAgo(120), activeMs: 3000, itemsDone: 300 }],
    [emag, { status: 'FAILED', createdAt: minutesAgo(180), activeMs: 200, itemsDone: 0, error: 'authentication failed: 401' }],
    [ozon, { status: 'PARTIAL', createdAt: minutesAgo(240), activeMs: 5000, itemsDone: 50 }],
    [ozon, { status: 'PENDING', createdAt: minutesAgo(1), activeMs: 0, itemsDone: 0 }],
    // 2 to 6 days ago.
    [emag, { status: 'CANCELLED', createdAt: minutesAgo(2 * DAY), activeMs: 800, itemsDone: 7 }],
    [ozon, { status: 'SUCCESS', createdAt: minutesAgo(6 * DAY), activeMs: 1000, itemsDone: 10 }],
    // 8 and 89 days ago: only in longer reports.
    [emag, { status: 'FAILED', createdAt: minutesAgo(8 * DAY), activeMs: 100, itemsDone: 0 }],
    [ozon, { status: 'SUCCESS', createdAt: minutesAgo(89 * DAY), activeMs: 400, itemsDone: 40 }],
    // 91 days ago: in no report.
    [ozon, { status: 'SUCCESS', createdAt: minutesAgo(91 * DAY), activeMs: 9999, itemsDone: 9999 }],
  ];
  for (const [accountId, seed] of runs) await seedRun(t, accountId, seed);
});
afterAll(() => t?.close());

const zero = { total: 0, successful: 0, failed: 0, partial: 0, cancelled: 0, inProgress: 0, averageDurationMs: null, itemsSynced: 0 };

describe('syncReport', () => {
  it('defaults to 7 days: exact totals overall and per account (every account listed), averaging the finished runs', async () => {
    const r = dataOf(await t.gql(REPORT, {}, await t.tokenFor('VIEWER'))).syncReport;
    expect(r.days).toBe(7);
    expect(new Date(r.to).getTime() - new Date(r.from).getTime()).toBe(7 * 86_400_000);
    // Finished: 1000 + 3000 + 200 + 5000 + 800 + 1000 = 11000 over 6 runs.
    expect(r).toMatchObject({ total: 7, successful: 3, failed: 1, partial: 1, cancelled: 1, inProgress: 1, averageDurationMs: 1833, itemsSynced: 467 });
    expect(r.accounts).toEqual([
      // 1000 + 3000 + 200 + 800 = 5000 over 4.
      { account: { name: 'a emag' }, total: 4, successful: 2, failed: 1, partial: 0, cancelled: 1, inProgress: 0, averageDurationMs: 1250, itemsSynced: 407 },
      // 5000 + 1000 over 2; the PENDING run is not averaged.
      { account: { name: 'b ozon' }, total: 3, successful: 1, failed: 0, partial: 1, cancelled: 0, inProgress: 1, averageDurationMs: 3000, itemsSynced: 60 },
      { account: { name: 'c idle' }, ...zero },
    ]);
  });

  it('covers exactly the days asked for, from 1 to 90', async () => {
    const one = dataOf(await t.gql(REPORT, { days: 1 })).syncReport;
    expect(one).toMatchObject({ days: 1, total: 5, successful: 2, failed: 1, partial: 1, cancelled: 0, inProgress: 1, averageDurationMs: 2300, itemsSynced: 450 });
    const ninety = dataOf(await t.gql(REPORT, { days: 90 })).syncReport;
    expect(ninety).toMatchObject({ days: 90, total: 9, successful: 4, failed: 2, partial: 1, cancelled: 1, itemsSynced: 507 });
    // 11000 + 100 + 400 = 11500 over 8.
    expect(ninety.averageDurationMs).toBe(1438);
  });

  it('refuses 0 and 91 days with a typed error (BAD_USER_INPUT, reason DAYS_OUT_OF_RANGE)', async () => {
    for (const days of [0, 91, -3]) {
      const r = await t.gql(REPORT, { days });
      expect(r.data?.syncReport ?? null).toBeNull();
      expect(r.errors).toHaveLength(1);
      expect(r.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'DAYS_OUT_OF_RANGE', field: ['days'] });
      expect(r.errors![0]!.message).toMatch(/1 to 90/);
    }
  });

  it('counts in the database: one grouped statement over the runs, however many there are', async () => {
    t.resetQueries();
    await t.gql(REPORT, { days: 90 });
    const runQueries = t.queries.filter((sql) => /"SyncRun"/.test(sql));
    expect(runQueries).toHaveLength(1);
    expect(runQueries[0]).toMatch(/GROUP BY/i);
  });

  it('needs a token', async () => {
    const r = await t.gql('{ syncReport { total } }', {}, null);
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
