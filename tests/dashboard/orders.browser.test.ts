/**
 * The orders page in a real browser (issue 18 item 2): the list with the totals per currency of the
 * whole filtered set (as the API counts them), a status filter, an order's lines with their
 * catalog products, and an OPERATOR's status edit recorded in its history; a VIEWER sees no status
 * edit. Accessibility and screenshots of the list and an order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildDashboard } from '../../scripts/build-dashboard.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { seedAccount, seedOrder, type OrderStatus } from '../helpers/catalog-seed.js';
import { downloadCsv } from './catalog-download.js';
import { checkPage, launchBrowser, newPage, signIn, openSignedIn } from './page-checks.js';

let browser: Browser;
let t: TestApp;

beforeAll(async () => {
  await buildDashboard();
  browser = await launchBrowser();
  t = await startTestApp();
  // 14 orders on two accounts in two currencies, every status, lines of a catalog product and of an unknown SKU.
  const accounts = [await seedAccount(t, 'Orders storefront', 'STOREFRONT'), await seedAccount(t, 'Orders ozon', 'OZON')];
  await t.app.services.prisma.product.create({ data: { sku: 'ORD-SKU-A', name: 'Kettle A' } });
  const statuses: OrderStatus[] = ['NEW', 'PROCESSING', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURNED'];
  for (let i = 0; i < 14; i++) {
    const account = accounts[i % 2]!;
    await seedOrder(t, {
      accountId: account.id,
      externalId: `ORD-${1000 + i}`,
      status: statuses[i % 6],
      total: `${100 + i * 7}.25`,
      currency: account.channel === 'OZON' ? 'RUB' : 'RON',
      placedAt: new Date(Date.UTC(2026, 10, 1) + i * 3_600_000),
      items: [{ sku: 'ORD-SKU-A', quantity: 1 + (i % 3), price: '20.50' }, { sku: `ORD-OTHER-${i}`, quantity: 1, price: '5.00' }],
    });
  }
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** What the API counts for `filter`: the orders and their totals per currency. */
async function expected(filter: Record<string, unknown>) {
  const d = dataOf(await t.gql('query($f: OrderFilter) { orders(filter: $f, first: 1) { totalCount } orderTotals(filter: $f) { currency amount count } }', { f: filter }));
  return { count: d.orders.totalCount as number, totals: d.orderTotals as { currency: string; amount: string; count: number }[] };
}

/** The totals on screen, per currency: the amount as a number and the count. */
const shownTotals = (page: Page) =>
  page.evaluate(`[...document.querySelectorAll('dl.totals [data-currency]')].map((el) => ({ currency: el.dataset.currency, text: el.querySelector('dd').textContent }))`) as Promise<{ currency: string; text: string }[]>;

describe('orders page in a browser', () => {
  it('lists orders with the totals of the filtered set, filters by status, opens an order and an OPERATOR changes its status', async () => {
    const all = await expected({});
    expect(all.count).toBeGreaterThan(5);
    const { page, pageErrors } = await openSignedIn(browser, `${t.url}/#/orders`, await t.tokenFor('OPERATOR'));
    const pager = page.getByRole('navigation', { name: 'Order pages' });
    await pager.getByText(`${all.count} orders`).waitFor();
    // Totals of every page together, per currency, as the API adds them up.
    const totals = await shownTotals(page);
    expect(totals.map((s) => s.currency)).toEqual(all.totals.map((m) => m.currency));
    for (const [i, m] of all.totals.entries()) expect(totals[i]!.text).toContain(`(${m.count} order${m.count === 1 ? '' : 's'})`);
    expect(all.totals.reduce((n, m) => n + m.count, 0)).toBe(all.count);
    await checkPage(page, 'orders');

    // A status filter: the count and the totals follow it.
    const status = (dataOf(await t.gql('{ orders(first: 1, orderBy: { field: PLACED_AT, direction: DESC }) { edges { node { status } } } }')).orders.edges[0].node.status) as string;
    const filtered = await expected({ status: [status] });
    await page.getByRole('combobox', { name: /^Status/ }).selectOption(status);
    await pager.getByText(filtered.count === 1 ? '1 order' : `${filtered.count} orders`, { exact: true }).waitFor();
    expect((await shownTotals(page)).map((s) => s.currency)).toEqual(filtered.totals.map((m) => m.currency));
    // The CSV export carries the filter on screen.
    const csv = await downloadCsv(page);
    expect(csv).toHaveLength(filtered.count);
    expect(new Set(csv.map((r) => r.status))).toEqual(new Set([status]));

    // An order: its lines with their products; the status changed by the operator.
    const order = dataOf(await t.gql('query($f: OrderFilter) { orders(first: 1, filter: $f, orderBy: { field: PLACED_AT, direction: DESC }) { edges { node { id externalId status items { sku } } } } }', { f: { status: [status] } })).orders.edges[0].node;
    await page.getByRole('link', { name: order.externalId, exact: true }).click();
    await page.getByRole('heading', { name: `Order ${order.externalId}` }).waitFor();
    for (const item of order.items) await page.getByRole('cell', { name: item.sku, exact: true }).first().waitFor();
    await checkPage(page, 'order');
    const next = status === 'CANCELLED' ? 'PROCESSING' : 'CANCELLED';
    await page.getByRole('combobox', { name: /^Change status/ }).selectOption(next);
    await page.getByRole('button', { name: 'Save status' }).click();
    await page.getByRole('status').filter({ hasText: 'Status saved.' }).waitFor();
    expect(dataOf(await t.gql('query($id: ID!) { order(id: $id) { status } }', { id: order.id })).order.status).toBe(next);
    await page.locator('table').filter({ hasText: 'test OPERATOR' }).getByText(next).first().waitFor();
    expect(pageErrors).toEqual([]);

    // A VIEWER sees the order, not the status edit.
    const viewer = await newPage(browser);
    await viewer.goto(`${t.url}/#/orders?order=${order.id}`);
    await signIn(viewer, await t.tokenFor('VIEWER'));
    await viewer.getByRole('heading', { name: `Order ${order.externalId}` }).waitFor();
    expect(await viewer.getByRole('button', { name: 'Save status' }).count()).toBe(0);
  }, 90_000);
});
