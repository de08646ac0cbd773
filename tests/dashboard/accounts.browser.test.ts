/**
 * #/accounts in Chromium against the real service and the eMAG simulator: an ADMIN adds an account
 * with a wrong password (the test shows AUTH and the marketplace's message), fixes the password (the
 * test passes), sets a rate limit and the conflict strategy, disables it; the password is never
 * put back in the page. A VIEWER sees the accounts without any control, in English and in Russian.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildDashboard } from '../../scripts/build-dashboard.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { registerSecrets } from '../helpers/secret-audit.js';
import { checkPage, launchBrowser, newPage, signIn, openSignedIn } from './page-checks.js';

const NAME = 'eMAG Bucharest';
const WRONG_PASSWORD = 'not-the-password-123';

let browser: Browser;
let t: TestApp;
let sim: Simulator;

beforeAll(async () => {
  await buildDashboard();
  browser = await launchBrowser();
  t = await startTestApp();
  sim = await startFastSimulator('EMAG', { offers: 20, seed: 4 });
  registerSecrets([WRONG_PASSWORD, ...Object.values(sim.credentials)]);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await sim?.stop();
});

const ACCOUNT = `query($id: ID!) { account(id: $id) { name enabled conflictStrategy rateLimits fulfillment lastTestOk } }`;

describe('accounts page', () => {
  it('adds an account with a wrong password (AUTH shown), then a right one, and edits its settings', async () => {
    const { page, pageErrors } = await openSignedIn(browser, `${t.url}/#/accounts`, t.adminToken);
    await page.getByRole('button', { name: 'Add account' }).click();

    // The form is the channel's credential fields, as the API serves them.
    await page.getByRole('combobox', { name: 'Channel', exact: true }).selectOption('EMAG');
    await page.getByLabel('Name', { exact: true }).fill(NAME);
    await page.getByLabel('API address').fill(sim.url);
    await page.getByLabel('username (required)').fill(String(sim.credentials.username));
    await page.getByLabel('password (required)').fill(WRONG_PASSWORD);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: `Saved ${NAME}` }).waitFor();

    const id = (await page.locator('tr[data-account-id]').filter({ hasText: NAME }).getAttribute('data-account-id'))!;
    await page.getByRole('button', { name: `Test connection of ${NAME}` }).click();
    const failed = page.locator('.test-outcome').filter({ hasText: `${NAME}: AUTH` });
    await failed.waitFor();
    expect(await failed.textContent()).toContain('Invalid credentials');
    expect(dataOf(await t.gql(ACCOUNT, { id })).account.lastTestOk).toBe(false);

    // Edit: the stored password is not put back; the right one replaces it.
    await page.getByRole('button', { name: `Edit ${NAME}` }).click();
    expect(await page.getByLabel('password (required)').inputValue()).toBe('');
    await page.getByLabel('username (required)').fill(String(sim.credentials.username));
    await page.getByLabel('password (required)').fill(String(sim.credentials.password));
    await page.getByRole('combobox', { name: 'Default conflict strategy' }).selectOption('MANUAL');
    await page.getByLabel('Requests per period for default').fill('2');
    await page.getByLabel('Period in ms for default').fill('1000');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: `Saved ${NAME}` }).waitFor();
    await page.getByRole('button', { name: `Test connection of ${NAME}` }).click();
    await page.locator('.test-outcome').filter({ hasText: `${NAME}: the marketplace accepted the connection.` }).waitFor();
    const saved = dataOf(await t.gql(ACCOUNT, { id })).account;
    expect(saved).toMatchObject({ conflictStrategy: 'MANUAL', rateLimits: { default: { limit: 2, periodMs: 1000 } }, fulfillment: 'MAIN', lastTestOk: true });
    expect(await page.content()).not.toContain(String(sim.credentials.password));

    await checkPage(page, 'accounts');

    await page.getByRole('button', { name: `Disable ${NAME}` }).click();
    await page.getByRole('button', { name: `Enable ${NAME}` }).waitFor();
    expect(dataOf(await t.gql(ACCOUNT, { id })).account.enabled).toBe(false);
    expect(pageErrors).toEqual([]);
  });

  it('shows a VIEWER the accounts without a control', async () => {
    const page = await newPage(browser);
    await page.goto(`${t.url}/#/accounts`);
    await signIn(page, await t.tokenFor('VIEWER'));
    await page.locator('tr[data-account-id]').filter({ hasText: NAME }).waitFor();
    expect(await page.getByRole('button', { name: /Add account|Test connection|Edit|Disable|Enable/ }).count()).toBe(0);
    // In Russian: the page's words, and the test time written the Russian way (dd.mm.yyyy).
    await page.getByLabel('Language').selectOption('ru');
    await page.getByRole('heading', { name: 'Аккаунты маркетплейсов' }).waitFor();
    const tested = page.locator('tr[data-account-id]').filter({ hasText: NAME }).locator('td').nth(3);
    expect(await tested.textContent()).toMatch(/^успешно \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2}$/);
  });
});
