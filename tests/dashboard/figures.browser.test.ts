/**
 * Honest figures (issue 18 item 9) in a real browser: the production figures never contradict the
 * batch table under them. The snapshot said "Batches 0" while the table listed 2 batches (it was
 * computed before they were created and served for up to 5 minutes); now the page asks for figures
 * as of now, shows when they were computed, and asks again after a change the user made. The
 * overview's inventory figures, a snapshot too, are recomputed when they predate the user's edit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildDashboard } from '../../scripts/build-dashboard.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { batchInput, createBatch, createWorkCenter } from '../helpers/production.js';
import { listingData, seedAccount } from '../helpers/catalog-seed.js';
import { launchBrowser, openSignedIn } from './page-checks.js';

let browser: Browser;
let t: TestApp;

beforeAll(async () => {
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
  it('shows "Batches 2" above a table of 2 batches when the snapshot was computed before they existed, says when it was computed, and follows the user\'s close', async () => {
    // The snapshot is computed now, with no batch.
    const before = dataOf(await t.gql('{ dashboardStats { batchesTotal computedAt } }')).dashboardStats;
    expect(before.batchesTotal).toBe(0);
    const workCenter = await createWorkCenter(t);
    const first = (await createBatch(t, batchInput(workCenter.id))).batch;
    await createBatch(t, batchInput(workCenter.id));

    const { page, pageErrors } = await openSignedIn(browser, `${t.url}/#/production`, await t.tokenFor('OPERATOR'));
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

  it("recomputes the overview's inventory figures when they predate the operator's own stock edit", async () => {
    const prisma = t.app.services.prisma;
    const account = await seedAccount(t, 'Figures storefront', 'STOREFRONT');
    const product = await prisma.product.create({ data: { sku: 'FIG-1', name: 'Figures kettle' } });
    const listing = await prisma.listing.create({ data: listingData({ productId: product.id, accountId: account.id, sku: 'FIG-1', stock: 0 }) });
    // The snapshot: one storefront listing, out of stock.
    const snapshot = dataOf(await t.gql('{ channelStatistics(refresh: true) { computedAt channels { channel outOfStock } } }', {}, t.adminToken)).channelStatistics;
    expect(snapshot.channels.find((c: { channel: string }) => c.channel === 'STOREFRONT').outOfStock).toBe(1);

    const { page, pageErrors } = await openSignedIn(browser, `${t.url}/#/`, await t.tokenFor('OPERATOR'));
    const panel = page.getByRole('region', { name: 'Inventory by channel' });
    const outOfStock = panel.getByRole('row', { name: /STOREFRONT/ }).getByRole('cell').nth(3);
    await waitFor(async () => (await outOfStock.textContent()) === '1', { what: 'the snapshot on the overview' });

    // The operator's edit, on the catalog page; then back to the overview (through the navigation, no reload).
    await page.evaluate('window.__marker = 1');
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Catalog' }).click();
    await page.getByRole('textbox', { name: 'Stock of FIG-1 on Figures storefront' }).fill('5');
    await page.getByRole('button', { name: 'Save stock of FIG-1 on Figures storefront' }).click();
    await waitFor(async () => (await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).stock === 5, { what: 'the stock edit' });
    const editedAt = Date.now();
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Overview' }).click();
    await waitFor(async () => (await outOfStock.textContent()) === '0', { timeoutMs: 10_000, what: 'the overview to count the edited listing in stock' });
    const computedAt = new Date((await panel.locator('[data-computed-at]').getAttribute('data-computed-at'))!);
    expect(computedAt.getTime()).toBeGreaterThan(new Date(snapshot.computedAt).getTime());
    expect(computedAt.getTime()).toBeLessThanOrEqual(editedAt + 60_000);
    expect(await page.evaluate('window.__marker')).toBe(1);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
