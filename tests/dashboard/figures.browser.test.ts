/**
 * Honest figures (issue 18 item 9) in a real browser: the production figures never contradict the
 * batch table under them. The snapshot said "Batches 0" while the table listed 2 batches (it was
 * computed before they were created and served for up to 5 minutes); now the page asks for figures
 * as of now, shows when they were computed, and asks again after a change the user made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildDashboard } from '../../scripts/build-dashboard.js';
import { backend, dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { batchInput, createBatch, createWorkCenter } from '../helpers/production.js';
import { launchBrowser, newPage, signIn } from './page-checks.js';

let browser: Browser;
let t: TestApp;

beforeAll(async () => {
  if (backend !== 'postgres') return;
  await buildDashboard();
  browser = await launchBrowser();
  t = await startTestApp();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** The value shown under the figure named `label`. */
const figure = (page: Page, label: string) => page.locator('dl.stats .stat').filter({ has: page.locator('dt', { hasText: label }) }).locator('dd');

describe('production figures in a browser', () => {
  if (backend !== 'postgres') return;
  it('shows "Batches 2" above a table of 2 batches when the snapshot was computed before they existed, says when it was computed, and follows the user\'s close', async () => {
    // The snapshot is computed now, with no batch.
    const before = dataOf(await t.gql('{ dashboardStats { batchesTotal computedAt } }')).dashboardStats;
    expect(before.batchesTotal).toBe(0);
    const workCenter = await createWorkCenter(t);
    const first = (await createBatch(t, batchInput(workCenter.id))).batch;
    await createBatch(t, batchInput(workCenter.id));

    const page = await newPage(browser);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${t.url}/#/production`);
    await signIn(page, await t.tokenFor('OPERATOR'));
    await page.getByRole('navigation', { name: 'Batch pages' }).getByText('2 batches').waitFor();
    await waitFor(async () => (await figure(page, 'Batches').textContent())?.includes('2'), { timeoutMs: 10_000, what: 'the figures to say 2 batches, as the table does' });
    expect(await figure(page, 'Batches').textContent()).toMatch(/^2\b.*2 open/);
    // When they were computed: after the batches were created, and said on the page.
    const computed = page.locator('[data-computed-at]');
    const computedAt = new Date((await computed.getAttribute('data-computed-at'))!);
    expect(computedAt.getTime()).toBeGreaterThan(new Date(before.computedAt).getTime());
    expect(await computed.textContent()).toMatch(/\d/);

    // The user's change: closing a batch shows 1 open at once, not 5 minutes later.
    await page.getByRole('button', { name: `Close batch ${first.batchNumber}` }).click();
    await waitFor(async () => /1 open/.test((await figure(page, 'Batches').textContent()) ?? ''), { timeoutMs: 10_000, what: 'the figures to count 1 open batch after the close' });
    expect(await figure(page, 'Batches').textContent()).toMatch(/^2\b/);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
