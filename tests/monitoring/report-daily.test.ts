/**
 * syncReport.daily: the runs of the period per UTC day by status, with the items synced per account
 * that day (the dashboard's history chart). Every day of the period is present, zeros included;
 * runs outside the period are not counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { seedAccount } from '../helpers/catalog-seed.js';
import { seedRun } from './seed-runs.js';

const DAILY = `query($days: Int) { syncReport(days: $days) { from to daily { date total successful failed partial cancelled inProgress itemsSynced accounts { account { name } runs itemsSynced } } } }`;
const DAY_MS = 86_400_000;
const utcDay = (d: Date) => d.toISOString().slice(0, 10);

let t: TestApp;
/** Noon UTC `n` days ago: on that UTC day whatever the time of the run. */
let noon: (n: number) => Date;

beforeAll(async () => {
  t = await startTestApp({ ROLE: 'api' });
  const today = new Date(`${utcDay(new Date())}T12:00:00Z`);
  // Before noon today, "today at noon" would be in the future: use the day before as day 0 then.
  const base = today.getTime() > Date.now() ? new Date(today.getTime() - DAY_MS) : today;
  noon = (n) => new Date(base.getTime() - n * DAY_MS);
  const emag = (await seedAccount(t, 'a emag', 'EMAG')).id;
  const ozon = (await seedAccount(t, 'b ozon', 'OZON')).id;
  await seedRun(t, emag, { status: 'SUCCESS', createdAt: noon(1), itemsDone: 100 });
  await seedRun(t, emag, { status: 'FAILED', createdAt: new Date(noon(1).getTime() + 60_000), itemsDone: 5 });
  await seedRun(t, ozon, { status: 'SUCCESS', createdAt: noon(1), itemsDone: 40 });
  await seedRun(t, ozon, { status: 'PARTIAL', createdAt: noon(2), itemsDone: 7 });
  await seedRun(t, ozon, { status: 'SUCCESS', createdAt: noon(9), itemsDone: 999 });
});
afterAll(() => t?.close());

describe('syncReport.daily', () => {
  it('counts runs per UTC day by status with the items per account, every day present', async () => {
    const r = dataOf(await t.gql(DAILY, { days: 3 })).syncReport;
    const dates = r.daily.map((d: { date: string }) => d.date);
    // From the day the period starts to today, in order.
    expect(dates[0]).toBe(utcDay(new Date(r.from)));
    expect(dates.at(-1)).toBe(utcDay(new Date(r.to)));
    expect(dates).toEqual([...dates].sort());
    const byDate = new Map(r.daily.map((d: { date: string }) => [d.date, d]));
    expect(byDate.get(utcDay(noon(1)))).toEqual({
      date: utcDay(noon(1)),
      total: 3,
      successful: 2,
      failed: 1,
      partial: 0,
      cancelled: 0,
      inProgress: 0,
      itemsSynced: 145,
      accounts: [
        { account: { name: 'a emag' }, runs: 2, itemsSynced: 105 },
        { account: { name: 'b ozon' }, runs: 1, itemsSynced: 40 },
      ],
    });
    expect(byDate.get(utcDay(noon(2)))).toMatchObject({ total: 1, partial: 1, itemsSynced: 7, accounts: [{ account: { name: 'b ozon' }, runs: 1, itemsSynced: 7 }] });
    // Days without runs are there, with zeros and no accounts; the run 9 days ago is in none.
    const quiet = r.daily.filter((d: { date: string }) => d.date !== utcDay(noon(1)) && d.date !== utcDay(noon(2)));
    expect(quiet.length).toBeGreaterThan(0);
    for (const d of quiet) expect(d).toMatchObject({ total: 0, itemsSynced: 0, accounts: [] });
    expect(r.daily.reduce((n: number, d: { total: number }) => n + d.total, 0)).toBe(4);
  });
});
