/**
 * The dashboard in a real browser (Chromium through playwright-core) against the real service.
 *
 * PostgreSQL: sign in (a wrong token is refused with a message), the accounts with their alerts, a
 * full sync whose progress bar moves to 100 % live (values under 100 seen first, no reload), the
 * logs filtered by level, account and run, a batch closed from the production page, and the
 * webhook delivery that close caused with its attempts. A full-page screenshot of every page goes
 * to tests/artifacts/screenshots/.
 * PGlite (the zero-configuration path): sign-in as a VIEWER shows the accounts without the sync
 * buttons, and signing out forgets the token.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildDashboard } from '../../scripts/build-dashboard.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { backend, dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, waitFor } from '../helpers/catalog.js';
import { batchInput, createBatch, createWorkCenter } from '../helpers/production.js';
import { syncNow } from '../helpers/sync.js';

const SCREENSHOTS = join(import.meta.dirname, '..', 'artifacts', 'screenshots');
const MAIN = 'Storefront main';
const BROKEN = 'Storefront broken';

let browser: Browser;
let t: TestApp | undefined;
let sim: Simulator | undefined;

beforeAll(async () => {
  // Never test a stale bundle.
  await buildDashboard();
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { webhookWorker: { baseDelayMs: 150, pollMs: 100, random: () => 0.5 } });
  // Slow enough (latency on every page) that the bar is seen part of the way.
  sim = await startFastSimulator('STOREFRONT', { offers: 1000, seed: 21, faults: { latencyMs: 150 } });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await sim?.stop();
});

const app = () => t!;
const simulator = () => sim!;

/** A fresh browser page; uncaught page errors are collected (a test ends asserting there were none). */
async function openPage(url: string) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(url);
  return { page, pageErrors };
}

async function signIn(page: Page, token: string) {
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function screenshot(page: Page, name: string) {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  expect((await stat(path)).size).toBeGreaterThan(1000);
}

/** The data attributes of the log rows on screen. */
const logRows = (page: Page) =>
  page.evaluate(`[...document.querySelectorAll('tr.log')].map((row) => ({ level: row.dataset.level, accountId: row.dataset.accountId, runId: row.dataset.runId, highlighted: row.classList.contains('log-error'), message: row.querySelector('.message').textContent, duration: row.children[5].textContent }))`) as Promise<
    { level: string; accountId: string; runId: string; highlighted: boolean; message: string; duration: string }[]
  >;

/** Waits until the log rows on screen are not empty and all pass `check` (a new filter re-queries). */
async function waitForLogRows(page: Page, what: string, check: (row: Awaited<ReturnType<typeof logRows>>[number]) => boolean) {
  return waitFor(
    async () => {
      const rows = await logRows(page);
      return rows.length > 0 && rows.every(check) ? rows : null;
    },
    { timeoutMs: 15_000, intervalMs: 100, what },
  );
}

describe('operator dashboard in a browser', () => {
  if (backend === 'postgres') {
    it('signs in, follows a full sync live to 100 %, filters logs, closes a batch and shows its webhook delivery', async () => {
      const t = app();
      const sim = simulator();
      const accountId = await createSimAccount(t, sim, MAIN);
      // An account whose token the storefront refuses: its sync fails with ERROR logs and an alert.
      const broken = dataOf(
        await t.gql(`mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } errors { message } } }`, {
          input: { channel: 'STOREFRONT', name: BROKEN, baseUrl: sim.url, credentials: { token: 'sf_live_wrong' }, rateLimits: sim.rateLimits },
        }),
      ).createAccount.account.id as string;
      expect((await syncNow(t, broken)).status).toBe('FAILED');

      const workCenter = await createWorkCenter(t);
      const { batch } = await createBatch(t, batchInput(workCenter.id));
      const webhook = dataOf(
        await t.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id url } errors { message } } }`, {
          // The service's own test receiver: with no secret to check against it answers 400, so
          // the delivery logs failed attempts (with their response status) and a retry.
          i: { url: `${t.url}/webhooks/test`, events: ['batch.closed'], retryCount: 1, description: 'dashboard test receiver' },
        }),
      ).createWebhook.webhook as { id: string; url: string };

      const { page, pageErrors } = await openPage(`${t.url}/`);

      // Sign-in: a wrong token is refused with a message and not kept.
      await signIn(page, 'stk_this_is_not_a_real_token_0000');
      await page.getByRole('alert').filter({ hasText: 'This token was not accepted' }).waitFor();
      expect(await page.evaluate(`sessionStorage.getItem('stockline.token')`)).toBeNull();
      await screenshot(page, 'sign-in');
      await signIn(page, t.adminToken);
      const mainRow = page.locator(`tr[data-account-id="${accountId}"]`);
      await mainRow.getByRole('rowheader', { name: MAIN }).waitFor();
      await page.locator(`tr[data-account-id="${broken}"]`).getByText('AUTH_FAILURE').waitFor();
      await page.getByRole('region', { name: 'Active alerts' }).getByText('AUTH_FAILURE').first().waitFor();
      expect(await page.evaluate(`sessionStorage.getItem('stockline.token')`)).toBe(t.adminToken);
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();

      // Every value the bar takes, recorded in the page; and a marker a reload would wipe.
      await page.evaluate(`(() => {
        window.__marker = 'set before the sync';
        window.__seen = [];
        const record = () => {
          const bar = document.querySelector('[role="progressbar"][aria-label="Sync progress of ${MAIN}"]');
          if (!bar) return;
          const value = Number(bar.getAttribute('aria-valuenow'));
          if (window.__seen[window.__seen.length - 1] !== value) window.__seen.push(value);
        };
        new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
      })()`);
      const started = Date.now();
      await page.getByRole('button', { name: `Full sync ${MAIN}` }).click();
      await page.getByRole('button', { name: `Cancel sync of ${MAIN}` }).waitFor();
      await page.locator(`[role="progressbar"][aria-label="Sync progress of ${MAIN}"][aria-valuenow="100"]`).waitFor({ timeout: 60_000 });
      const seen = (await page.evaluate('window.__seen')) as number[];
      const firstFull = seen.indexOf(100);
      expect(firstFull, `values seen: ${seen}`).toBeGreaterThan(0);
      expect(seen.slice(0, firstFull).some((v) => v > 0 && v < 100), `values seen: ${seen}`).toBe(true);
      expect(await page.evaluate('window.__marker')).toBe('set before the sync');
      expect(Date.now() - started).toBeGreaterThan(500);

      const run = dataOf(await t.gql(`query($a: ID!) { syncRuns(first: 1, filter: { accountId: $a }) { edges { node { id status percent mode } } } }`, { a: accountId })).syncRuns.edges[0].node;
      expect(run).toMatchObject({ status: 'SUCCESS', percent: 100, mode: 'FULL' });
      await page.locator(`tr[data-run-id="${run.id}"]`).getByText('SUCCESS').waitFor();
      await mainRow.getByText('SUCCESS').first().waitFor();
      await expectNoButton(page, `Cancel sync of ${MAIN}`);
      // The finished run refreshed the inventory figures (the storefront's listings appear).
      const listingsCell = page.getByRole('region', { name: 'Inventory by channel' }).getByRole('row', { name: /STOREFRONT/ }).getByRole('cell').nth(1);
      await waitFor(async () => Number(await listingsCell.textContent()) > 0, { what: 'storefront listings in the inventory figures' });
      const figures = dataOf(await t.gql('{ channelStatistics { channels { channel listings } } }')).channelStatistics.channels;
      expect(Number(await listingsCell.textContent())).toBe(figures.find((c: { channel: string }) => c.channel === 'STOREFRONT').listings);
      await screenshot(page, 'overview');

      // Logs: level ERROR gives only the broken account's errors, highlighted.
      await page.getByRole('link', { name: 'Logs' }).click();
      await page.locator('tr.log').first().waitFor();
      await page.getByLabel('Level').selectOption('ERROR');
      const errors = await waitForLogRows(page, 'ERROR rows only', (row) => row.level === 'ERROR');
      expect(errors.every((row) => row.accountId === broken && row.highlighted)).toBe(true);
      // ERROR entries of the main account: none (its sync succeeded).
      await page.getByLabel('Account').selectOption(accountId);
      await page.getByText('0 matching entries').waitFor();
      // Everything of the main account's run, with the run's duration on its final entry.
      await page.getByLabel('Level').selectOption('');
      await page.getByLabel('Run ID').fill(run.id);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      const runRows = await waitForLogRows(page, "the run's rows only", (row) => row.runId === run.id && row.accountId === accountId);
      const final = runRows.find((row) => row.message.startsWith('sync SUCCESS'));
      expect(final, JSON.stringify(runRows)).toBeDefined();
      expect(final!.duration).toMatch(/^\d+(\.\d)? (ms|s)$|min/);
      expect(runRows.some((row) => row.level === 'INFO')).toBe(true);
      await screenshot(page, 'logs');

      // Production: close the batch from its row; the page and the API agree it is closed.
      await page.getByRole('link', { name: 'Production' }).click();
      const batchRow = page.locator(`tr[data-batch-id="${batch.id}"]`);
      await batchRow.getByText('OPEN').waitFor();
      await page.getByRole('button', { name: `Close batch ${batch.batchNumber}` }).click();
      await batchRow.getByText('CLOSED').waitFor();
      await page.getByRole('button', { name: `Reopen batch ${batch.batchNumber}` }).waitFor();
      await page.getByRole('status').filter({ hasText: `Closed batch ${batch.batchNumber}` }).waitFor();
      const stored = dataOf(await t.gql(`query($id: ID!) { batch(id: $id) { closed closedAt } }`, { id: batch.id })).batch;
      expect(stored.closed).toBe(true);
      expect(stored.closedAt).not.toBeNull();
      // The filters: it is listed among the closed batches, not among the open ones.
      await page.getByLabel('Status').selectOption('open');
      await page.getByText('No batch matches.').waitFor();
      await page.getByLabel('Status').selectOption('closed');
      await batchRow.getByText('CLOSED').waitFor();
      await screenshot(page, 'production');

      // Webhooks: the batch.closed delivery with both its attempts (the receiver refused them).
      await page.getByRole('link', { name: 'Webhooks' }).click();
      await page.getByRole('row').filter({ hasText: webhook.url }).waitFor();
      const delivery = page.locator('li.delivery').filter({ hasText: 'batch.closed' });
      await delivery.and(page.locator('[data-status="FAILED"]')).waitFor({ timeout: 20_000 });
      const attempts = delivery.getByRole('table').locator('tbody tr');
      await waitFor(async () => (await attempts.count()) === 2, { what: 'two attempts on screen' });
      for (const row of await attempts.all()) {
        expect(await row.textContent()).toContain('400');
        expect(await row.textContent()).toContain('failed');
      }
      // A delivery made while the page is open shows up by itself (webhookDelivery subscription).
      for (const name of ['reopenBatch', 'closeBatch']) {
        expect(dataOf(await t.gql(`mutation($id: ID!) { ${name}(input: { id: $id }) { errors { message } } }`, { id: batch.id }))[name].errors).toEqual([]);
      }
      await waitFor(async () => (await page.locator('li.delivery[data-status="FAILED"]').filter({ hasText: 'batch.closed' }).count()) === 2, { timeoutMs: 20_000, what: 'the second delivery on screen' });
      await screenshot(page, 'webhooks');

      // All of it in one page load; signing out forgets the token.
      expect(await page.evaluate('window.__marker')).toBe('set before the sync');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('API token').waitFor();
      expect(await page.evaluate(`sessionStorage.getItem('stockline.token')`)).toBeNull();
      expect(pageErrors).toEqual([]);
    }, 150_000);
  } else {
    it('a VIEWER signs in on the embedded database, sees the accounts without sync buttons, and signs out', async () => {
      const t = app();
      const accountId = await createSimAccount(t, simulator(), MAIN);
      const viewer = await t.tokenFor('VIEWER');
      const { page, pageErrors } = await openPage(`${t.url}/#/`);
      await signIn(page, 'stk_wrong');
      await page.getByRole('alert').filter({ hasText: 'This token was not accepted' }).waitFor();
      await signIn(page, viewer);
      await page.locator(`tr[data-account-id="${accountId}"]`).getByRole('rowheader', { name: MAIN }).waitFor();
      await page.getByText('test VIEWER · VIEWER').waitFor();
      await expectNoButton(page, `Full sync ${MAIN}`);
      await page.getByRole('link', { name: 'Webhooks' }).click();
      await page.getByText('visible to ADMIN tokens only').waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('API token').waitFor();
      expect(await page.evaluate(`sessionStorage.getItem('stockline.token')`)).toBeNull();
      expect(pageErrors).toEqual([]);
    }, 60_000);
  }
});

async function expectNoButton(page: Page, name: string) {
  expect(await page.getByRole('button', { name }).count()).toBe(0);
}
