/**
 * The dashboard's shell in Chromium, for the people on the floor and in the office: English,
 * Russian and Romanian (navigation, dates, the choice kept across a reload), the header folding
 * behind a Menu button on a phone (aria-expanded, Escape, focus), every control reachable by Tab
 * with a visible focus ring, dark colours from the system setting, what each role is offered, the
 * accessibility check of the overview, logs and production pages at 1400 px and 390 px, and the
 * overview's requests not growing with the number of listings in the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { buildDashboard } from '../../scripts/build-dashboard.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount } from '../helpers/catalog.js';
import { batchInput, createBatch, createWorkCenter } from '../helpers/production.js';
import { syncNow } from '../helpers/sync.js';
import { join } from 'node:path';
import { NARROW, SCREENSHOTS, WIDE, accessibilityViolations, checkPage, launchBrowser, signIn } from './page-checks.js';

/** An ADMIN's navigation in Russian, every page in the routes' order. */
const NAV_RU = ['Обзор', 'Журнал', 'Производство', 'Каталог', 'Заказы', 'Конфликты', 'Вебхуки', 'Аккаунты', 'Расписания', 'API-токены', 'Файлы', 'История'];

const ACCOUNT = 'Storefront shell';

let browser: Browser;
let t: TestApp;
let sim: Simulator;
let accountId: string;
let batch: { id: string; batchNumber: number; batchDate: string };
let tokens: { VIEWER: string; OPERATOR: string; ADMIN: string };
type Role = keyof typeof tokens;
/** The dashboard's pages with the least role that sees each (loaded as the persisted-clients test does: outside this project's type check). */
let ROUTES: readonly { path: string; name: string; label: string; role: Role }[];

beforeAll(async () => {
  ({ ROUTES } = await import(new URL('../../dashboard/src/router.ts', import.meta.url).href));
  await buildDashboard();
  browser = await launchBrowser();
  t = await startTestApp();
  sim = await startFastSimulator('STOREFRONT', { offers: 30, seed: 18 });
  accountId = await createSimAccount(t, sim, ACCOUNT);
  // A finished sync: the accounts table shows the date of its last success.
  expect((await syncNow(t, accountId)).status).toBe('SUCCESS');
  const workCenter = await createWorkCenter(t);
  ({ batch } = await createBatch(t, batchInput(workCenter.id, { batchDate: '2026-11-20' })));
  tokens = { VIEWER: await t.tokenFor('VIEWER'), OPERATOR: await t.tokenFor('OPERATOR'), ADMIN: t.adminToken };
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await sim?.stop();
});

/** A page in a context of its own (dates in UTC, so the test can write the expected text). */
async function open(options: BrowserContextOptions = {}) {
  const context = await browser.newContext({ viewport: WIDE, timezoneId: 'UTC', locale: 'en-US', ...options });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${t.url}/`);
  return { page, pageErrors, close: () => context.close() };
}

/** Signed in with the role's token, on the overview with the account row shown. */
async function openAs(role: keyof typeof tokens, options: BrowserContextOptions = {}) {
  const opened = await open(options);
  await signIn(opened.page, tokens[role]);
  await accountRow(opened.page).waitFor();
  return opened;
}

const accountRow = (page: Page) => page.locator(`tr[data-account-id="${accountId}"]`);
const navLinks = (page: Page) => page.getByRole('navigation').getByRole('link').allTextContents();
const go = async (page: Page, hash: string) => {
  await page.evaluate((h) => (window.location.hash = h), hash);
};

async function lastSuccessAt(): Promise<string> {
  const health = dataOf(await t.gql('{ syncHealth { accounts { account { id } lastSuccessAt } } }')).syncHealth.accounts as { account: { id: string }; lastSuccessAt: string }[];
  return health.find((h) => h.account.id === accountId)!.lastSuccessAt;
}

describe('dashboard shell', () => {
  it('switches to Russian: translated navigation and pages, dates written the Russian way, the choice kept across a reload; then Romanian and back', async () => {
    const { page, pageErrors, close } = await open();
    // The sign-in form offers the language before anything else.
    await page.getByLabel('Language').selectOption('ru');
    await page.getByRole('heading', { name: 'Stockline: операции' }).waitFor();
    expect(await page.title()).toBe('Stockline: операции');
    await checkPage(page, 'shell-sign-in-ru');
    await page.getByLabel('API-токен').fill(tokens.ADMIN);
    await page.getByRole('button', { name: 'Войти' }).click();
    await accountRow(page).waitFor();
    expect(await navLinks(page)).toEqual(NAV_RU);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ru');
    await page.getByRole('heading', { name: 'Аккаунты' }).waitFor();
    await page.getByRole('button', { name: `Полная синхронизация: ${ACCOUNT}` }).waitFor();

    // The last sync's time in Russian: day.month.year, 24-hour clock.
    const expected = new Date(await lastSuccessAt()).toLocaleString('ru', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'UTC' });
    expect(expected).toMatch(/^\d\d\.\d\d\.\d{4}, \d\d:\d\d:\d\d$/);
    const lastSync = accountRow(page).locator('td').nth(2);
    expect(await lastSync.textContent()).toBe(expected);

    // Kept across a reload (the token too: the page comes back signed in, in Russian).
    await page.reload();
    await accountRow(page).waitFor();
    expect(await navLinks(page)).toEqual(NAV_RU);
    expect(await lastSync.textContent()).toBe(expected);

    // The production page: batch dates, counts with Russian plural forms, the batch's buttons.
    await page.getByRole('link', { name: 'Производство' }).click();
    const batchRow = page.locator(`tr[data-batch-id="${batch.id}"]`);
    await batchRow.getByText('Открыта').waitFor();
    expect(await batchRow.locator('td').first().textContent()).toBe('20.11.2026');
    await page.getByText('1 партия', { exact: true }).waitFor();
    await page.getByRole('button', { name: `Закрыть партию ${batch.batchNumber}` }).waitFor();

    // Romanian, then English again: the same page follows, without a reload.
    // A language's words are fetched when it is chosen (a JSON asset): the page switches once they are here.
    await page.getByLabel('Язык').selectOption('ro');
    await page.getByLabel('Limba').waitFor();
    expect(await navLinks(page)).toEqual(['Prezentare', 'Jurnal', 'Producție', 'Catalog', 'Comenzi', 'Conflicte', 'Webhook-uri', 'Conturi', 'Programări', 'Tokenuri API', 'Fișiere', 'Istoric']);
    await page.getByText('1 lot', { exact: true }).waitFor();
    expect(await batchRow.locator('td').first().textContent()).toBe('20.11.2026');
    await page.getByLabel('Limba').selectOption('en');
    await page.getByLabel('Language').waitFor();
    expect(await navLinks(page)).toEqual(['Overview', 'Logs', 'Production', 'Catalog', 'Orders', 'Conflicts', 'Webhooks', 'Accounts', 'Schedules', 'API tokens', 'Files', 'History']);
    expect(await batchRow.locator('td').first().textContent()).toBe('11/20/26');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(pageErrors).toEqual([]);
    await close();
  }, 150_000);

  it('on a phone (390 px) the header folds behind a Menu button: aria-expanded, focus to the first page, Escape closes and gives focus back, a chosen page closes it; nothing is wider than the screen', async () => {
    const { page, pageErrors, close } = await openAs('ADMIN', { viewport: NARROW });
    const menu = page.getByRole('button', { name: 'Menu' });
    const overviewLink = page.getByRole('link', { name: 'Overview' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await overviewLink.isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(false);

    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    expect(await overviewLink.isVisible()).toBe(true);
    expect(await overviewLink.evaluate((link) => link === document.activeElement)).toBe(true);
    await page.keyboard.press('Escape');
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await overviewLink.isVisible()).toBe(false);
    expect(await menu.evaluate((button) => button === document.activeElement)).toBe(true);

    // Enter opens it from the keyboard; choosing a page closes it and puts focus on the page.
    await page.keyboard.press('Enter');
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await page.getByRole('link', { name: 'Logs' }).click();
    await page.getByRole('heading', { name: 'Sync logs' }).waitFor();
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('content');

    for (const hash of ['#/', '#/logs', '#/production']) {
      await go(page, hash);
      await page.locator('main .panel').first().waitFor();
      await page.waitForLoadState('networkidle');
      const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
      expect(widths.page, `${hash} is wider than the screen`).toBeLessThanOrEqual(widths.screen);
    }

    // At the office width there is no Menu button: everything stands in the header.
    await page.setViewportSize(WIDE);
    expect(await menu.isVisible()).toBe(false);
    expect(await overviewLink.isVisible()).toBe(true);
    expect(pageErrors).toEqual([]);
    await close();
  }, 150_000);

  it('every control of the overview, logs and production pages is reached by Tab, each with a visible focus ring', async () => {
    const { page, pageErrors, close } = await openAs('ADMIN');
    await page.getByRole('button', { name: `Full sync ${ACCOUNT}` }).waitFor();
    for (const [hash, ready] of [
      ['#/', page.getByRole('button', { name: 'Refresh statistics' })],
      ['#/logs', page.locator('tr.log').first()],
      ['#/production', page.getByRole('button', { name: `Aggregate batch ${batch.batchNumber}` })],
    ] as const) {
      await go(page, hash);
      await ready.waitFor();
      await page.waitForLoadState('networkidle');
      const unreached = await tabThrough(page);
      expect(unreached.missed, `${hash}: controls Tab never reached`).toEqual([]);
      expect(unreached.withoutRing, `${hash}: focused without a visible ring`).toEqual([]);
      expect(unreached.reached).toBeGreaterThan(8);
    }
    expect(pageErrors).toEqual([]);
    await close();
  }, 150_000);

  it('follows the system dark setting: dark background, light text, and still no serious accessibility violation (contrast included)', async () => {
    const light = await openAs('VIEWER', { colorScheme: 'light' });
    const dark = await openAs('VIEWER', { colorScheme: 'dark' });
    const colours = (page: Page) =>
      page.evaluate(() => {
        const panel = document.querySelector('main .panel')!;
        return { page: getComputedStyle(document.documentElement).backgroundColor, panel: getComputedStyle(panel).backgroundColor, text: getComputedStyle(panel).color };
      });
    const lightColours = await colours(light.page);
    const darkColours = await colours(dark.page);
    expect(luminance(lightColours.page)).toBeGreaterThan(0.8);
    expect(luminance(lightColours.text)).toBeLessThan(0.1);
    expect(luminance(darkColours.page)).toBeLessThan(0.05);
    expect(luminance(darkColours.panel)).toBeLessThan(0.05);
    expect(luminance(darkColours.text)).toBeGreaterThan(0.7);
    for (const hash of ['#/', '#/logs', '#/production']) {
      await go(dark.page, hash);
      await dark.page.locator('main .panel').first().waitFor();
      await dark.page.waitForLoadState('networkidle');
      expect(await accessibilityViolations(dark.page), `dark ${hash}`).toEqual([]);
    }
    await dark.page.screenshot({ path: join(SCREENSHOTS, 'shell-production-dark.png'), fullPage: true });
    expect([...light.pageErrors, ...dark.pageErrors]).toEqual([]);
    await light.close();
    await dark.close();
  }, 150_000);

  it('offers each role what it may do: a VIEWER no edit control on the overview, logs and production pages, an OPERATOR no ADMIN page (not even by its address)', async () => {
    const editControls = /sync|cancel|refresh statistics|close batch|reopen batch|aggregate batch/i;
    const buttonsOn = async (page: Page, hash: string, ready: (page: Page) => Promise<unknown>) => {
      await go(page, hash);
      await ready(page);
      await page.waitForLoadState('networkidle');
      return (await page.getByRole('button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label') ?? b.textContent ?? ''))).filter((name) => editControls.test(name));
    };
    const ready = {
      '#/': (page: Page) => page.getByRole('region', { name: 'Inventory by channel' }).getByRole('table').waitFor(),
      '#/logs': (page: Page) => page.locator('tr.log').first().waitFor(),
      '#/production': (page: Page) => page.locator(`tr[data-batch-id="${batch.id}"]`).waitFor(),
    };
    const byRole: Record<string, Record<string, string[]>> = {};
    const navByRole: Record<string, string[]> = {};
    for (const role of ['VIEWER', 'OPERATOR', 'ADMIN'] as const) {
      const { page, pageErrors, close } = await openAs(role);
      navByRole[role] = await navLinks(page);
      byRole[role] = {};
      for (const [hash, isReady] of Object.entries(ready)) byRole[role][hash] = await buttonsOn(page, hash, isReady);
      if (role !== 'ADMIN') {
        // An ADMIN page's address shows the overview instead.
        for (const route of ROUTES.filter((r) => r.role === 'ADMIN')) {
          await go(page, route.path);
          await accountRow(page).waitFor();
          expect(await page.getByRole('link', { name: route.label }).count()).toBe(0);
        }
      }
      expect(pageErrors).toEqual([]);
      await close();
    }
    expect(byRole.VIEWER).toEqual({ '#/': [], '#/logs': [], '#/production': [] });
    // The same check finds the controls where the role has them.
    for (const role of ['OPERATOR', 'ADMIN']) {
      expect(byRole[role]!['#/']).toEqual(expect.arrayContaining([`Full sync ${ACCOUNT}`, `Incremental sync ${ACCOUNT}`, 'Refresh statistics']));
      expect(byRole[role]!['#/production']).toEqual([`Close batch ${batch.batchNumber}`, `Aggregate batch ${batch.batchNumber}`]);
    }
    const rank = { VIEWER: 0, OPERATOR: 1, ADMIN: 2 } as const;
    const visibleTo = (role: keyof typeof rank) => ROUTES.filter((r) => rank[r.role] <= rank[role]).map((r) => r.label);
    expect(navByRole.VIEWER).toEqual(visibleTo('VIEWER'));
    expect(navByRole.OPERATOR).toEqual(visibleTo('OPERATOR'));
    expect(navByRole.ADMIN).toEqual(ROUTES.map((r) => r.label));
    expect(navByRole.OPERATOR).not.toContain('Webhooks');
  }, 150_000);

  it('passes the page checks (axe, screenshots) on the overview, logs and production pages at 1400 px and at 390 px', async () => {
    for (const viewport of [WIDE, NARROW]) {
      const { page, pageErrors, close } = await openAs('OPERATOR', { viewport });
      for (const [hash, name] of [
        ['#/', 'overview'],
        ['#/logs', 'logs'],
        ['#/production', 'production'],
      ] as const) {
        await go(page, hash);
        await page.locator('main .panel').first().waitFor();
        await page.locator('main table').first().waitFor();
        await page.waitForLoadState('networkidle');
        // checkPage saves both widths' screenshots; at 390 px only axe runs again (the layout differs).
        if (viewport === WIDE) await checkPage(page, `shell-${name}`);
        else expect(await accessibilityViolations(page), `${name} at 390 px`).toEqual([]);
      }
      if (viewport === NARROW) {
        // With the menu open too.
        await page.getByRole('button', { name: 'Menu' }).click();
        expect(await accessibilityViolations(page)).toEqual([]);
      }
      expect(pageErrors).toEqual([]);
      await close();
    }
  }, 150_000);

  it('asks the overview the same questions with 10,000 listings as with 30: nothing on it is read per listing', async () => {
    const { page, pageErrors, close } = await openAs('VIEWER');
    let requests: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/graphql' && request.method() === 'POST') requests.push((request.postDataJSON() as { operationName?: string }).operationName ?? '?');
    });
    /** The GraphQL operations one load of the overview sends (a reload: the token is kept). */
    const overviewRequests = async () => {
      requests = [];
      await page.reload();
      await accountRow(page).waitFor();
      await page.getByRole('region', { name: 'Inventory by channel' }).getByRole('table').waitFor();
      await page.getByRole('region', { name: 'Recent runs' }).getByRole('table').waitFor();
      await page.waitForLoadState('networkidle');
      return [...requests].sort();
    };
    const before = await overviewRequests();
    expect(before).toContain('DashboardAccounts');
    expect(before).toContain('DashboardChannelStats');

    // 10,000 products with a listing each, written in two statements.
    const prisma = t.app.services.prisma;
    await prisma.$executeRawUnsafe(`INSERT INTO "Product" (id, sku, name, "updatedAt") SELECT gen_random_uuid(), 'BULK-' || lpad(i::text, 5, '0'), 'Bulk ' || i, now() FROM generate_series(0, 9999) AS i`);
    await prisma.$executeRawUnsafe(
      `INSERT INTO "Listing" (id, "productId", "accountId", "externalId", sku, name, price, currency, stock, status, "remoteStatus", "remotePrice", "remoteStock")
       SELECT gen_random_uuid(), p.id, $1::uuid, 'EXT-' || p.sku, p.sku, 'Offer ' || p.sku, 10, 'RON', 1, 'ACTIVE'::"ListingStatus", 'active', 10, 1 FROM "Product" p WHERE p.sku LIKE 'BULK-%'`,
      accountId,
    );
    expect(await prisma.listing.count({ where: { accountId } })).toBe(10_030);

    expect(await overviewRequests()).toEqual(before);
    expect(pageErrors).toEqual([]);
    await close();
  }, 150_000);
});

/**
 * Presses Tab until focus comes back to where it started; returns the visible, enabled controls it
 * never reached and those it reached without a visible outline.
 */
async function tabThrough(page: Page) {
  await page.evaluate(() => {
    const controls = document.querySelectorAll('a[href], button, select, input, summary, [tabindex]');
    controls.forEach((el, i) => el.setAttribute('data-tab-check', String(i)));
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  const expected = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-tab-check]')]
      .filter((el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
      .map((el) => el.dataset.tabCheck!),
  );
  const reached = new Set<string>();
  const withoutRing: string[] = [];
  let first: string | undefined;
  for (let i = 0; i < 400; i += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return { id: el.dataset.tabCheck ?? '', name: `${el.tagName} ${el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? ''}`, ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
    });
    // A date field takes several Tabs (day, month, year) on one element.
    if (!focused || reached.has(focused.id)) {
      if (focused?.id === first && reached.size > 1) break;
      continue;
    }
    first ??= focused.id;
    reached.add(focused.id);
    if (!focused.ring) withoutRing.push(focused.name);
  }
  const names = await page.evaluate((ids) => ids.map((id) => document.querySelector(`[data-tab-check="${id}"]`)?.outerHTML.slice(0, 80) ?? id), expected.filter((id) => !reached.has(id)));
  return { missed: names, withoutRing, reached: reached.size };
}

/** Relative luminance (0 black … 1 white) of a CSS rgb()/rgba() colour. */
function luminance(colour: string): number {
  const [r, g, b] = colour.match(/[\d.]+/g)!.slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
