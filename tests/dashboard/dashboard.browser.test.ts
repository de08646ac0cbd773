/**
 * The dashboard in a real browser (Chromium through playwright-core) against the real service.
 *
 * PostgreSQL: sign in (a wrong token is refused with a message), the accounts with their alerts, a
 * full sync whose progress bar moves to 100 % live (values under 100 seen first, no reload), the
 * inventory figures re-read (not recomputed) after it and recomputed by "Refresh statistics", an
 * incremental sync, a slow sync cancelled from its row, a run that finishes while the
 * subscriptions socket is down (its final event lost) shown finished once the socket is back, the
 * logs filtered by level, account and run, a batch closed from the production page and changed
 * through the API (the page follows without a reload), and the webhook deliveries those closes
 * caused with their attempts. A full-page screenshot of every page goes to
 * tests/artifacts/screenshots/.
 * PGlite (the zero-configuration path): sign-in as a VIEWER shows the accounts without the sync
 * buttons; a reload while the server fails keeps the token and offers to try again; signing out
 * forgets the token.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page, type WebSocketRoute } from 'playwright-core';
import { buildDashboard } from '../../scripts/build-dashboard.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { backend, dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, waitFor } from '../helpers/catalog.js';
import { batchInput, createBatch, createWorkCenter } from '../helpers/production.js';
import { syncNow, trigger, waitForRun } from '../helpers/sync.js';

const SCREENSHOTS = join(import.meta.dirname, '..', 'artifacts', 'screenshots');
const MAIN = 'Storefront main';
const BROKEN = 'Storefront broken';
/** Slow enough (latency on every page) that the bar is seen part of the way. */
const SIM_FAULTS = { latencyMs: 150 };

let browser: Browser;
let t: TestApp | undefined;
let sim: Simulator | undefined;

beforeAll(async () => {
  // Never test a stale bundle.
  await buildDashboard();
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { webhookWorker: { baseDelayMs: 150, pollMs: 100, random: () => 0.5 } });
  sim = await startFastSimulator('STOREFRONT', { offers: 1000, seed: 21, faults: SIM_FAULTS });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await sim?.stop();
});

const app = () => t!;
const simulator = () => sim!;

/**
 * A fresh browser page; uncaught page errors are collected (a test ends asserting there were none).
 * Its subscriptions socket goes through `socket` (see relaySocket) and its GraphQL requests over
 * HTTP are recorded in `requests`.
 */
async function openPage(url: string) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const requests: { operationName: string; variables: Record<string, unknown>; at: number }[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname !== '/graphql') return;
    // urql sends queries as GET (within the URL length limit), mutations as POST.
    const body = (request.method() === 'GET' ? { operationName: url.searchParams.get('operationName'), variables: JSON.parse(url.searchParams.get('variables') ?? '{}') } : request.postDataJSON()) as {
      operationName?: string | null;
      variables?: Record<string, unknown>;
    } | null;
    if (body?.operationName) requests.push({ operationName: body.operationName, variables: body.variables ?? {}, at: Date.now() });
  });
  const socket = await relaySocket(page);
  await page.goto(url);
  return { page, pageErrors, requests, socket };
}

/**
 * The page's graphql-ws socket, relayed to the service so the test can cut it as a service restart
 * would (`drop`), hold the connections the page opens again until `restore`, then let them through.
 * Deterministic: nothing reaches the page between the two, whatever graphql-ws' retry timing.
 */
async function relaySocket(page: Page) {
  let down = false;
  const open = new Map<WebSocketRoute, WebSocketRoute>();
  const held: (() => void)[] = [];
  await page.routeWebSocket(/\/graphql$/, (ws) => {
    const connect = (buffered?: (string | Buffer)[]) => {
      const server = ws.connectToServer();
      if (buffered) {
        ws.onMessage((message) => server.send(message));
        for (const message of buffered) server.send(message);
      }
      open.set(ws, server);
      // Either side closing closes the other (as without the relay).
      ws.onClose((code, reason) => {
        open.delete(ws);
        void server.close({ code, reason });
      });
      server.onClose((code, reason) => {
        open.delete(ws);
        void ws.close({ code, reason });
      });
    };
    if (!down) return connect();
    // Held: what the page sends (connection_init, its subscriptions) waits for the restore.
    const buffered: (string | Buffer)[] = [];
    ws.onMessage((message) => buffered.push(message));
    held.push(() => connect(buffered));
  });
  return {
    async drop() {
      down = true;
      const sockets = [...open];
      open.clear();
      // 4000: a code a page may close with; graphql-ws retries it like a lost connection.
      await Promise.all(sockets.flatMap(([ws, server]) => [ws.close({ code: 4000, reason: 'test: service restart' }), server.close()]));
    },
    restore() {
      down = false;
      held.splice(0).forEach((connect) => connect());
    },
  };
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
    it('signs in, follows syncs live (full to 100 %, incremental, cancelled, finished while the socket was down), filters logs, follows batch changes and shows their webhook deliveries', async () => {
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

      const { page, pageErrors, requests, socket } = await openPage(`${t.url}/`);

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
      const finishedAt = Date.now();
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
      // The finished run made the inventory panel read the stored snapshot again (refresh: false),
      // never recompute it: that is the operator's button only.
      const statsReads = () => requests.filter((r) => r.operationName === 'DashboardChannelStats');
      await waitFor(() => statsReads().some((r) => r.at >= finishedAt && r.variables.refresh === false), { timeoutMs: 8_000, what: 'the stored statistics read again after the run' });
      expect(statsReads().filter((r) => r.variables.refresh === true)).toEqual([]);
      // "Refresh statistics" recomputes them: the storefront's listings appear.
      await page.getByRole('button', { name: 'Refresh statistics' }).click();
      const listingsCell = page.getByRole('region', { name: 'Inventory by channel' }).getByRole('row', { name: /STOREFRONT/ }).getByRole('cell').nth(1);
      await waitFor(async () => Number(await listingsCell.textContent()) > 0, { what: 'storefront listings in the inventory figures' });
      const figures = dataOf(await t.gql('{ channelStatistics { channels { channel listings } } }')).channelStatistics.channels;
      expect(Number(await listingsCell.textContent())).toBe(figures.find((c: { channel: string }) => c.channel === 'STOREFRONT').listings);
      expect(statsReads().filter((r) => r.variables.refresh === true)).toHaveLength(1);

      // An incremental sync, one click: it runs and finishes.
      await page.getByRole('button', { name: `Incremental sync ${MAIN}` }).click();
      const incremental = await waitFor(async () => {
        const latest = await latestRun(t, accountId);
        return latest.mode === 'INCREMENTAL' ? latest : null;
      }, { what: 'the incremental run' });
      await page.locator(`tr[data-run-id="${incremental.id}"]`).getByText('SUCCESS', { exact: true }).waitFor({ timeout: 20_000 });
      expect((await waitForRun(t, incremental.id)).status).toBe('SUCCESS');
      expect(dataOf(await t.gql(`query($a: ID!) { syncRuns(first: 10, filter: { accountId: $a, mode: INCREMENTAL }) { totalCount } }`, { a: accountId })).syncRuns.totalCount).toBe(1);
      await waitForNoButton(page, `Cancel sync of ${MAIN}`);

      // Cancel: a slow full sync (every page takes 400 ms) is still running when Cancel is clicked.
      sim.setFaults({ latencyMs: 400 });
      await page.getByRole('button', { name: `Full sync ${MAIN}` }).click();
      await mainRow.locator('.progress-text', { hasText: 'RUNNING' }).waitFor();
      await page.getByRole('button', { name: `Cancel sync of ${MAIN}` }).click();
      const cancelled = await waitFor(async () => {
        const latest = await latestRun(t, accountId);
        return latest.mode === 'FULL' && latest.id !== run.id ? latest : null;
      }, { what: 'the run to cancel' });
      expect((await waitForRun(t, cancelled.id)).status).toBe('CANCELLED');
      await page.locator(`tr[data-run-id="${cancelled.id}"]`).getByText('CANCELLED', { exact: true }).waitFor();
      await mainRow.getByText(/CANCELLED/).waitFor();
      await waitForNoButton(page, `Cancel sync of ${MAIN}`);

      // The socket drops (a service restart) while a run goes on, and the run finishes before it is
      // back: its final event is lost. Once reconnected, the page reads the runs again.
      const { runs: triggered } = await trigger(t, { accountIds: [accountId], mode: 'FULL' });
      const missed = triggered[0].id as string;
      await page.getByRole('button', { name: `Cancel sync of ${MAIN}` }).waitFor();
      await socket.drop();
      await page.getByRole('status').filter({ hasText: 'Reconnecting' }).waitFor();
      expect((await waitForRun(t, missed)).status).toBe('SUCCESS');
      // Nothing reached the page: it still shows the run going.
      expect(await page.getByRole('button', { name: `Cancel sync of ${MAIN}` }).count()).toBe(1);
      socket.restore();
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 20_000 });
      await page.locator(`tr[data-run-id="${missed}"]`).getByText('SUCCESS', { exact: true }).waitFor();
      await waitForNoButton(page, `Cancel sync of ${MAIN}`);
      await mainRow.locator('.progress-cell').getByText('idle').waitFor();
      sim.setFaults(SIM_FAULTS);
      expect(await page.evaluate('window.__marker')).toBe('set before the sync');
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
      // Aggregate: three units added through the API, aggregated from the row.
      for (const code of ['DASH-U1', 'DASH-U2', 'DASH-U3']) {
        const added = dataOf(await t.gql(`mutation($i: AddUnitToBatchInput!) { addUnitToBatch(input: $i) { errors { message } } }`, { i: { batchId: batch.id, code } })).addUnitToBatch;
        expect(added.errors).toEqual([]);
      }
      await page.getByRole('button', { name: `Aggregate batch ${batch.batchNumber}` }).click();
      await page.getByRole('status').filter({ hasText: `Aggregated batch ${batch.batchNumber}: 3 units aggregated` }).waitFor();
      await batchRow.locator('td').nth(4).getByText('3', { exact: true }).waitFor();
      const units = dataOf(await t.gql(`query($id: ID!) { batch(id: $id) { aggregatedUnitCount } }`, { id: batch.id })).batch;
      expect(units.aggregatedUnitCount).toBe(3);
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
      // Changed through the API (another tab, a script): the page follows the batch events.
      await page.getByLabel('Status').selectOption('');
      await batchRow.getByText('CLOSED').waitFor();
      for (const [name, shown] of [
        ['reopenBatch', 'OPEN'],
        ['closeBatch', 'CLOSED'],
      ] as const) {
        expect(dataOf(await t.gql(`mutation($id: ID!) { ${name}(input: { id: $id }) { errors { message } } }`, { id: batch.id }))[name].errors).toEqual([]);
        await batchRow.getByText(shown, { exact: true }).waitFor();
      }
      expect(await page.evaluate('window.__marker')).toBe('set before the sync');
      await screenshot(page, 'production');

      // Webhooks: the batch.closed deliveries of both closes with both their attempts (the receiver
      // refused them, so their retries are spent: dead letters).
      await page.getByRole('link', { name: 'Webhooks' }).click();
      await page.getByRole('row').filter({ hasText: webhook.url }).waitFor();
      const failedDeliveries = page.locator('li.delivery[data-status="DEAD"]').filter({ hasText: 'batch.closed' });
      await waitFor(async () => (await failedDeliveries.count()) === 2, { timeoutMs: 20_000, what: 'both deliveries dead-lettered on screen' });
      for (const delivery of await failedDeliveries.all()) {
        const attempts = delivery.getByRole('table').locator('tbody tr');
        await waitFor(async () => (await attempts.count()) === 2, { what: 'two attempts on screen' });
        for (const row of await attempts.all()) {
          expect(await row.textContent()).toContain('400');
          expect(await row.textContent()).toContain('failed');
        }
      }
      // A delivery made while the page is open shows up by itself (webhookDelivery subscription).
      for (const name of ['reopenBatch', 'closeBatch']) {
        expect(dataOf(await t.gql(`mutation($id: ID!) { ${name}(input: { id: $id }) { errors { message } } }`, { id: batch.id }))[name].errors).toEqual([]);
      }
      await waitFor(async () => (await failedDeliveries.count()) === 3, { timeoutMs: 20_000, what: 'the third delivery on screen' });
      await screenshot(page, 'webhooks');

      // All of it in one page load; signing out forgets the token.
      expect(await page.evaluate('window.__marker')).toBe('set before the sync');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('API token').waitFor();
      expect(await page.evaluate(`sessionStorage.getItem('stockline.token')`)).toBeNull();
      expect(pageErrors).toEqual([]);
    }, 150_000);
  } else {
    it('a VIEWER signs in on the embedded database, sees the accounts without sync buttons, keeps the token through a failed check, and signs out', async () => {
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
      // A reload while the server cannot answer (503 to every request) keeps the token: only the
      // server refusing it would sign the user out. Trying again once it answers signs in.
      const graphqlPath = (url: URL) => url.pathname === '/graphql';
      await page.route(graphqlPath, (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ errors: [{ message: 'Service unavailable' }] }) }));
      await page.reload();
      await page.getByRole('alert').filter({ hasText: 'could not be checked: Service unavailable' }).waitFor();
      expect(await page.evaluate(`sessionStorage.getItem('stockline.token')`)).toBe(viewer);
      await page.unroute(graphqlPath);
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.locator(`tr[data-account-id="${accountId}"]`).getByRole('rowheader', { name: MAIN }).waitFor();
      // ADMIN pages are not offered to a VIEWER, not even by their address.
      await page.getByRole('link', { name: 'Overview' }).waitFor();
      expect(await page.getByRole('link', { name: 'Webhooks' }).count()).toBe(0);
      await page.goto(`${app().url}/#/webhooks`);
      await page.locator(`tr[data-account-id="${accountId}"]`).getByRole('rowheader', { name: MAIN }).waitFor();
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

/** The button goes away (the page learnt that the run ended). */
async function waitForNoButton(page: Page, name: string) {
  await page.getByRole('button', { name }).waitFor({ state: 'detached' });
}

/** The account's newest run, as the API has it. */
async function latestRun(t: TestApp, accountId: string): Promise<{ id: string; status: string; mode: string }> {
  return dataOf(await t.gql(`query($a: ID!) { syncRuns(first: 1, filter: { accountId: $a }) { edges { node { id status mode } } } }`, { a: accountId })).syncRuns.edges[0].node;
}
