/**
 * #/schedules in Chromium against the real service: an ADMIN edits an account's default schedule
 * (interval, mode, scope, then a cron in a time zone), adds a custom schedule and deletes it, and
 * pauses and resumes the scheduler; each change is read back through the API. A VIEWER sees the
 * schedules without any control.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildDashboard } from '../../scripts/build-dashboard.js';
import { ensureDefaultSchedules } from '../../src/scheduler/default-schedules.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount } from '../helpers/catalog.js';
import { checkPage, launchBrowser, newPage, signIn, openSignedIn } from './page-checks.js';

let browser: Browser;
let t: TestApp;
let sim: Simulator;
let accountId: string;

beforeAll(async () => {
  await buildDashboard();
  browser = await launchBrowser();
  t = await startTestApp();
  sim = await startFastSimulator('STOREFRONT', { offers: 10, seed: 5 });
  accountId = await createSimAccount(t, sim, 'Shop');
  // What the scheduler does for a new account (its timers are off in tests).
  await ensureDefaultSchedules(t.app.services.prisma, new Date());
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await sim?.stop();
});

const SCHEDULES = `query($accountId: ID!) { schedules(first: 100, filter: { accountId: $accountId }) { edges { node { id key isDefault cron intervalSeconds timeZone mode scope enabled nextFireAt } } } }`;
const schedulesOf = async () => dataOf(await t.gql(SCHEDULES, { accountId })).schedules.edges.map((e: { node: Record<string, unknown> }) => e.node) as Record<string, unknown>[];

describe('schedules page', () => {
  it('edits a schedule, adds and deletes a custom one, pauses and resumes the scheduler', async () => {
    const { page, pageErrors } = await openSignedIn(browser, `${t.url}/#/schedules`, t.adminToken, { acceptDialogs: true });
    const key = `sync:${accountId}:incremental`;
    await page.locator(`tr[data-schedule-key="${key}"]`).waitFor();
    await page.getByRole('status').filter({ hasText: 'Running: schedules fire on time.' }).waitFor();

    // Interval, mode and scope.
    await page.getByRole('button', { name: `Edit schedule ${key}` }).click();
    await page.getByLabel('Minutes between firings').fill('15');
    await page.getByRole('combobox', { name: 'Mode' }).selectOption('FULL');
    await page.getByRole('combobox', { name: 'Scope' }).selectOption('ORDERS');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Schedule saved; next firing' }).waitFor();
    await page.locator(`tr[data-schedule-key="${key}"]`).filter({ hasText: 'every 15 minutes' }).waitFor();
    expect((await schedulesOf()).find((s) => s.key === key)).toMatchObject({ intervalSeconds: 900, cron: null, mode: 'FULL', scope: 'ORDERS', enabled: true });

    // A cron read in a time zone.
    await page.getByRole('button', { name: `Edit schedule ${key}` }).click();
    await page.getByRole('combobox', { name: 'Timing' }).selectOption('cron');
    await page.getByLabel('Cron (minute hour day month weekday)').fill('30 3 * * *');
    await page.getByLabel('Time zone').fill('Europe/Bucharest');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator(`tr[data-schedule-key="${key}"]`).filter({ hasText: 'cron 30 3 * * * (Europe/Bucharest)' }).waitFor();
    const edited = (await schedulesOf()).find((s) => s.key === key)!;
    expect(edited).toMatchObject({ cron: '30 3 * * *', intervalSeconds: null, timeZone: 'Europe/Bucharest' });
    // The next firing is at 03:30 on Bucharest's clock, summer time or not.
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Bucharest', hour: '2-digit', minute: '2-digit' }).format(new Date(String(edited.nextFireAt)))).toBe('03:30');

    // A custom schedule, then deleted.
    await page.getByRole('button', { name: 'New schedule' }).click();
    await page.getByRole('combobox', { name: 'Account' }).selectOption(accountId);
    await page.getByLabel('Minutes between firings').fill('45');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Schedule saved' }).waitFor();
    const custom = (await schedulesOf()).find((s) => !s.isDefault)!;
    expect(custom).toMatchObject({ intervalSeconds: 2700, mode: 'INCREMENTAL', scope: 'ALL', enabled: true });
    await page.getByRole('button', { name: `Delete schedule ${String(custom.key)}` }).click();
    await page.getByRole('status').filter({ hasText: 'Schedule deleted.' }).waitFor();
    expect((await schedulesOf()).some((s) => s.id === custom.id)).toBe(false);

    // The scheduler switch.
    await page.getByRole('button', { name: 'Pause scheduler' }).click();
    await page.getByRole('status').filter({ hasText: 'Paused since' }).waitFor();
    expect(dataOf(await t.gql('{ schedulerStatus { paused } }')).schedulerStatus.paused).toBe(true);
    await checkPage(page, 'schedules');
    await page.getByRole('button', { name: 'Resume scheduler' }).click();
    await page.getByRole('status').filter({ hasText: 'Running: schedules fire on time.' }).waitFor();
    expect(dataOf(await t.gql('{ schedulerStatus { paused } }')).schedulerStatus.paused).toBe(false);
    expect(pageErrors).toEqual([]);
  });

  it('shows a VIEWER the schedules without a control', async () => {
    const page = await newPage(browser);
    await page.goto(`${t.url}/#/schedules`);
    await signIn(page, await t.tokenFor('VIEWER'));
    await page.locator(`tr[data-schedule-key="sync:${accountId}:incremental"]`).waitFor();
    expect(await page.getByRole('button', { name: /schedule|Edit|Delete/ }).count()).toBe(0);
  });
});
