/**
 * #/history in Chromium against the real service, as a VIEWER: the runs-per-day chart and the
 * items-per-account chart are drawn (uPlot canvases) and the same figures, read as a table, are
 * the seeded runs' per day; the run list narrows by account and by status (checked against the
 * API), page by page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildDashboard } from '../../scripts/build-dashboard.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { seedAccount } from '../helpers/catalog-seed.js';
import { seedRun } from '../monitoring/seed-runs.js';
import { checkPage, launchBrowser, openSignedIn } from './page-checks.js';

const DAY_MS = 86_400_000;
const utcDay = (d: Date) => d.toISOString().slice(0, 10);

let browser: Browser;
let t: TestApp;
let yesterday: Date;
let twoDaysAgo: Date;

beforeAll(async () => {
  await buildDashboard();
  browser = await launchBrowser();
  // No worker: the seeded runs stay as they are.
  t = await startTestApp({ ROLE: 'api' });
  yesterday = new Date(`${utcDay(new Date(Date.now() - DAY_MS))}T10:00:00Z`);
  twoDaysAgo = new Date(yesterday.getTime() - DAY_MS);
  const emag = (await seedAccount(t, 'eMAG Cluj', 'EMAG')).id;
  const ozon = (await seedAccount(t, 'Ozon Moscow', 'OZON')).id;
  await seedRun(t, emag, { status: 'SUCCESS', createdAt: yesterday, itemsDone: 120 });
  await seedRun(t, emag, { status: 'FAILED', createdAt: new Date(yesterday.getTime() + 60_000), itemsDone: 3, error: 'authentication failed: 401' });
  await seedRun(t, ozon, { status: 'SUCCESS', createdAt: yesterday, itemsDone: 80 });
  for (let i = 0; i < 27; i++) await seedRun(t, ozon, { status: 'PARTIAL', createdAt: new Date(twoDaysAgo.getTime() + i * 60_000), itemsDone: 2 });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('history page', () => {
  it('charts runs per day by status and items per account, and filters the run list', async () => {
    const { page, pageErrors } = await openSignedIn(browser, `${t.url}/#/history`, await t.tokenFor('VIEWER'));

    // Both charts drawn, each labelled with what it shows.
    await waitFor(async () => (await page.locator('.day-chart .uplot canvas').count()) === 2, { what: 'two charts drawn' });
    expect(await page.getByRole('img', { name: /^30 runs from .*: 2 successful, 27 partial, 1 failed/ }).count()).toBe(1);
    expect(await page.getByRole('img', { name: /^257 items synced from/ }).count()).toBe(1);

    // The same figures as a table: yesterday and two days ago, per status and per account.
    await page.getByText('The same figures as a table').click();
    const cells = async (day: Date) => page.locator(`tr[data-day="${utcDay(day)}"] > *`).allTextContents();
    expect(await cells(yesterday)).toEqual([utcDay(yesterday), '2', '0', '1', '0', '0', '123', '80']);
    expect(await cells(twoDaysAgo)).toEqual([utcDay(twoDaysAgo), '0', '27', '0', '0', '0', '0', '54']);
    expect(await page.locator('table.history-days thead th').allTextContents()).toEqual(['Day', 'Successful', 'Partial', 'Failed', 'Cancelled', 'In progress', 'Items: eMAG Cluj', 'Items: Ozon Moscow']);
    await checkPage(page, 'history');

    // The run list: 30 runs, 25 a page; by account, then by status.
    const list = page.locator('table.history-runs tbody tr');
    await page.getByText('30 runs').waitFor();
    expect(await list.count()).toBe(25);
    await page.getByRole('button', { name: 'Next page' }).click();
    await waitFor(async () => (await list.count()) === 5, { what: 'the second page' });
    await page.getByRole('combobox', { name: 'Account' }).selectOption({ label: 'eMAG Cluj' });
    await page.getByText('2 runs').waitFor();
    expect(await list.locator('td:nth-child(2)').allTextContents()).toEqual(['eMAG Cluj', 'eMAG Cluj']);
    await page.getByRole('combobox', { name: 'Status' }).selectOption('FAILED');
    await page.getByText('1 run', { exact: true }).waitFor();
    const failedId = await list.first().getAttribute('data-run-id');
    const api = dataOf(await t.gql(`{ syncRuns(filter: { status: [FAILED] }, first: 5) { edges { node { id } } } }`)).syncRuns.edges;
    expect(api).toEqual([{ node: { id: failedId } }]);
    expect(await list.first().textContent()).toContain('authentication failed: 401');
    expect(pageErrors).toEqual([]);
  });
});
