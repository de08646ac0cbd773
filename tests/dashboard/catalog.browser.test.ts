/**
 * The catalog page in a real browser (issue 18 item 1): an OPERATOR edits a price in place and
 * watches the push reach the simulator (its value changes) while the page shows the push's state
 * (PUSHED), a stock push the marketplace refuses shows FAILED with the marketplace's message, the
 * product page shows the edit in its history, the filters narrow the list; a VIEWER sees the same
 * listings without any edit control. Accessibility and screenshots of the list and a product.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildDashboard } from '../../scripts/build-dashboard.js';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, otherPrice, seedListing, waitFor } from '../helpers/catalog.js';
import { seedOrder } from '../helpers/catalog-seed.js';
import { syncNow } from '../helpers/sync.js';
import { downloadCsv } from './catalog-download.js';
import { checkPage, launchBrowser, openSignedIn } from './page-checks.js';

let browser: Browser;
let t: TestApp;
let sim: Simulator;
let accountId: string;
const ACCOUNT = 'Catalog storefront';

beforeAll(async () => {
  await buildDashboard();
  browser = await launchBrowser();
  t = await startTestApp();
  sim = await startFastSimulator('STOREFRONT', { offers: 12, seed: 41 });
  accountId = await createSimAccount(t, sim, ACCOUNT);
  expect(await syncNow(t, accountId)).toMatchObject({ status: 'SUCCESS' });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await sim?.stop();
});

async function openAs(role: 'OPERATOR' | 'VIEWER', hash: string) {
  const { page, pageErrors } = await openSignedIn(browser, `${t.url}/${hash}`, await t.tokenFor(role));
  return { page, pageErrors };
}

const listingRow = (page: Page, listingId: string) => page.locator(`tr[data-listing-id="${listingId}"]`);
const searchFor = async (page: Page, text: string) => {
  await page.getByLabel('Search', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
};

describe('catalog page in a browser', () => {

  it('an OPERATOR edits a price in place and sees the push reach the marketplace; a refused stock push shows FAILED with the message; the product shows the edit in its history', async () => {
    const prisma = t.app.services.prisma;
    const sku = sim.catalog.get(3).sku;
    const listing = await prisma.listing.findFirstOrThrow({ where: { accountId, sku } });
    const { page, pageErrors } = await openAs('OPERATOR', '#/catalog');
    await page.getByRole('navigation', { name: 'Product pages' }).getByText('12 products').waitFor();
    await checkPage(page, 'catalog');

    // The search narrows the list to the one product.
    await searchFor(page, sku);
    await page.getByRole('navigation', { name: 'Product pages' }).getByText('1 product').waitFor();
    const row = listingRow(page, listing.id);

    // The CSV export carries the filter on screen: the one product, its one listing.
    const csv = await downloadCsv(page);
    expect(csv.map((r) => [r.sku, r.account, r.price])).toEqual([[sku, ACCOUNT, listing.price.toFixed(2)]]);

    const price = otherPrice(sim.offer(sku)!.price, 5);
    await row.getByRole('textbox', { name: `Price of ${sku} on ${ACCOUNT}` }).fill(price);
    await row.getByRole('button', { name: `Save price of ${sku} on ${ACCOUNT}` }).click();
    // The marketplace holds the new price, and the page says so without a reload.
    await waitFor(() => sim.offer(sku)!.price === price, { timeoutMs: 15_000, what: 'the new price at the simulator' });
    const pushed = row.locator('[data-push-kind="PRICE"][data-push-state="PUSHED"]');
    await pushed.waitFor({ timeout: 10_000 });
    expect(await pushed.textContent()).toContain('pushed');
    expect(await row.getByRole('textbox', { name: `Price of ${sku} on ${ACCOUNT}` }).inputValue()).toBe(price);

    // A listing the marketplace does not know: the stock push is refused, the message is shown.
    const unknown = await seedListing(prisma, sim, accountId, 11, { externalId: '99999999' });
    const unknownSku = sim.catalog.get(11).sku;
    await searchFor(page, unknownSku);
    const refusedRow = listingRow(page, unknown.id);
    await refusedRow.getByRole('textbox', { name: `Stock of ${unknownSku} on ${ACCOUNT}` }).fill('4');
    await refusedRow.getByRole('button', { name: `Save stock of ${unknownSku} on ${ACCOUNT}` }).click();
    const failed = refusedRow.locator('[data-push-kind="STOCK"][data-push-state="FAILED"]');
    await failed.waitFor({ timeout: 15_000 });
    const job = await prisma.pushJob.findFirstOrThrow({ where: { listingId: unknown.id, kind: 'STOCK' } });
    expect(job.status).toBe('FAILED');
    expect(job.lastError).toBeTruthy();
    expect(await failed.locator('.push-error').textContent()).toBe(job.lastError);

    // The product page: the edit in its history, by the operator.
    await searchFor(page, sku);
    await page.getByRole('link', { name: new RegExp(`^${sku} — `) }).click();
    const change = page.locator('tr[data-change-field="price"]').filter({ hasText: price }).first();
    await change.waitFor();
    expect(await change.textContent()).toContain('test OPERATOR');
    await listingRow(page, listing.id).locator('[data-push-state="PUSHED"]').waitFor();
    await checkPage(page, 'catalog-product');
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('filters by out of stock and account, and a VIEWER sees the listings without edit controls', async () => {
    const outOfStock = dataOf(await t.gql('{ products(filter: { outOfStock: true }) { totalCount } }')).products.totalCount as number;
    const { page, pageErrors } = await openAs('VIEWER', '#/catalog');
    const pager = page.getByRole('navigation', { name: 'Product pages' });
    await pager.getByText(/^\d+ products?$/).waitFor();
    expect(await page.locator('tr[data-listing-id]').count()).toBeGreaterThan(0);
    expect(await page.locator('form.inline-edit').count()).toBe(0);
    expect(await page.getByRole('textbox', { name: /^Price of / }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Save / }).count()).toBe(0);

    await page.getByRole('combobox', { name: /^Stock/ }).selectOption('yes');
    await pager.getByText(outOfStock === 1 ? '1 product' : `${outOfStock} products`).waitFor();
    await page.getByRole('combobox', { name: /^Stock/ }).selectOption('');
    await page.getByRole('combobox', { name: /^Account/ }).selectOption(accountId);
    await pager.getByText(/^12 products$/).waitFor();
    expect(pageErrors).toEqual([]);
  }, 60_000);
  it("shows a product's stock pool and its listings' allocation, live: the pool moves and the listing's stock follows without a reload, and an allocated listing offers no stock edit", async () => {
    const product = dataOf(await t.gql('{ products(first: 1, filter: { search: "" }) { edges { node { id sku listings { id } } } } }')).products.edges[0].node;
    const listingId = product.listings[0].id as string;
    const { page, pageErrors } = await openAs('OPERATOR', '#/catalog');
    await searchFor(page, product.sku);
    const productBody = page.locator(`tbody[data-product-id="${product.id}"]`);
    await productBody.getByText('pool: 0 on hand, 0 reserved, 0 available').waitFor();
    await listingRow(page, listingId).getByRole('textbox', { name: /^Stock of / }).waitFor();

    const rule = dataOf(await t.gql(`mutation { setStockAllocationRule(input: { accountId: "${accountId}", mode: SHARE, value: 50 }) { errors { code message } } }`)).setStockAllocationRule;
    expect(rule.errors).toEqual([]);
    const adjusted = dataOf(await t.gql(`mutation { adjustStock(input: { productId: "${product.id}", quantity: 20, note: "catalog test" }) { errors { code message } } }`)).adjustStock;
    expect(adjusted.errors).toEqual([]);
    // stock.changed reaches the page: the pool, the rule and the allocated stock (50 % of 20) appear.
    await productBody.getByText('pool: 20 on hand, 0 reserved, 20 available').waitFor();
    await listingRow(page, listingId).getByText('from the pool: 50 % of available').waitFor();
    await listingRow(page, listingId).locator('td', { hasText: /^10\s*from the pool/ }).waitFor();
    expect(await listingRow(page, listingId).getByRole('textbox', { name: /^Stock of / }).count()).toBe(0);
    await checkPage(page, 'catalog-pool');
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it("draws a product's units sold per day (uPlot), with the same series as a table", async () => {
    const prisma = t.app.services.prisma;
    const product = await prisma.product.create({ data: { sku: 'TREND-UI', name: 'Trend mug' } });
    const DAY = 86_400_000;
    const dayOf = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10);
    const at = (daysAgo: number) => new Date(`${dayOf(daysAgo)}T12:00:00.000Z`);
    await seedOrder(t, { accountId, externalId: 'TREND-A', total: '30.00', placedAt: at(1), items: [{ sku: 'TREND-UI', quantity: 3, price: '10.00' }] });
    await seedOrder(t, { accountId, externalId: 'TREND-B', total: '10.00', placedAt: at(1), items: [{ sku: 'TREND-UI', quantity: 1, price: '10.00' }] });
    await seedOrder(t, { accountId, externalId: 'TREND-C', total: '50.00', placedAt: at(5), items: [{ sku: 'TREND-UI', quantity: 5, price: '10.00' }] });
    // Not a sale.
    await seedOrder(t, { accountId, externalId: 'TREND-D', status: 'CANCELLED', total: '90.00', placedAt: at(5), items: [{ sku: 'TREND-UI', quantity: 9, price: '10.00' }] });

    const { page, pageErrors } = await openAs('VIEWER', `#/catalog?product=${product.id}`);
    const chart = page.getByRole('img', { name: `9 units sold from ${dayOf(29)} to ${dayOf(0)}` });
    await chart.locator('canvas').first().waitFor();
    // The table mirrors the chart's series: 30 days, oldest first, days without sales at 0.
    const rows = await page.locator('table.trend-days tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-day'), tr.querySelector('td')?.textContent]));
    expect(rows).toHaveLength(30);
    expect(rows[0]).toEqual([dayOf(29), '0']);
    expect(rows.filter(([, units]) => units !== '0')).toEqual([
      [dayOf(5), '5'],
      [dayOf(1), '4'],
    ]);
    const drawn = (await page.locator('figure[data-units]').getAttribute('data-units'))!.split(',').map(Number);
    expect(drawn).toEqual(rows.map(([, units]) => Number(units)));
    await checkPage(page, 'catalog-product-trends');
    expect(pageErrors).toEqual([]);
  });
});
