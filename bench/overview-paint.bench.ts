/**
 * First paint of the dashboard's overview with 10,000 listings in the database (issue 18: < 1 s on
 * this machine), against the same overview with 10 listings, in one run.
 *
 *   npx tsx bench/overview-paint.bench.ts [rounds]
 *
 * Builds the dashboard, starts Stockline (NODE_ENV=production, ROLE=api, no scheduler) on a scratch
 * PostgreSQL database (BENCH_DATABASE_URL as in the other benches), writes one marketplace account
 * with 10 listings, and opens the overview in Chromium (/usr/bin/chromium through playwright-core)
 * `rounds` times (default 5) in fresh contexts with the token already kept (as a reload does), after
 * a warm-up. Then it writes 9,990 more listings and measures again. From the browser's own clock
 * (performance timing, navigation start = 0) per load: first contentful paint, and "overview
 * shown": the moment the accounts and inventory tables are in the page and no list is still
 * loading (a MutationObserver installed before the page's scripts run). Prints the medians, the ratio 10,000 /
 * 10, the load average and a JSON line. Nothing is asserted on timing; the deterministic part (the
 * overview asks the same questions whatever the listing count) is in
 * tests/dashboard/shell.browser.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { chromium, type Browser } from 'playwright-core';
import { buildApp, type App } from '../src/app.js';
import { parseEnv } from '../src/env.js';
import { buildDashboard } from '../src/http/dashboard.build.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-db.js';

const ROUNDS = Number(process.argv[2] ?? 5);
const FEW = 10;
const MANY = 10_000;

interface Load {
  /** First contentful paint, ms after navigation start. */
  fcp: number;
  /** The overview's lists all in the page, ms after navigation start. */
  shown: number;
}

/** Installed before the page's own scripts: notes when the overview's tables are all there. */
const OBSERVE = `(() => {
  // The account's row, the inventory table, and no list still loading (recent runs: none yet here).
  const done = () => document.querySelector('tr[data-account-id]') && document.querySelectorAll('main table').length >= 2 && !document.querySelector('main p[aria-live="polite"]');
  new MutationObserver((_, observer) => {
    if (window.__shown === undefined && done()) {
      window.__shown = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, childList: true });
})()`;

async function loadOnce(browser: Browser, url: string, token: string): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    await context.addInitScript(`sessionStorage.setItem('stockline.token', ${JSON.stringify(token)}); ${OBSERVE}`);
    const page = await context.newPage();
    await page.goto(url);
    // Functions, not strings: the dashboard's CSP refuses eval.
    await page.waitForFunction(() => (window as unknown as { __shown?: number }).__shown !== undefined, undefined, { timeout: 30_000 });
    return await page.evaluate(() => ({ fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN, shown: (window as unknown as { __shown: number }).__shown }));
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]!);
};

async function measure(browser: Browser, url: string, token: string) {
  const loads: Load[] = [];
  for (let i = 0; i < ROUNDS; i++) loads.push(await loadOnce(browser, url, token));
  return { fcp: median(loads.map((l) => l.fcp)), shown: median(loads.map((l) => l.shown)), worstShown: Math.round(Math.max(...loads.map((l) => l.shown))) };
}

async function addListings(app: App, accountId: string, from: number, to: number) {
  const prisma = app.services.prisma;
  const skus = Array.from({ length: to - from }, (_, i) => `BENCH-${String(from + i).padStart(6, '0')}`);
  await prisma.product.createMany({ data: skus.map((sku) => ({ sku, name: `Bench ${sku}` })) });
  const products = await prisma.product.findMany({ where: { sku: { in: skus } }, select: { id: true, sku: true } });
  await prisma.listing.createMany({
    data: products.map((p, i) => ({
      productId: p.id,
      accountId,
      externalId: `EXT-${p.sku}`,
      sku: p.sku,
      name: `Offer ${p.sku}`,
      price: '10.00',
      remotePrice: '10.00',
      currency: 'RON',
      stock: i % 7,
      remoteStock: i % 7,
      stockByWarehouse: {},
      status: 'ACTIVE',
      remoteStatus: 'active',
    })),
  });
}

async function main() {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const built = await buildDashboard();
  let scratch: ScratchDatabase | undefined;
  let app: App | undefined;
  let browser: Browser | undefined;
  try {
    scratch = await createScratchDatabase(adminUrl);
    app = await buildApp(
      parseEnv({ DATABASE_URL: scratch.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SANDBOX: 'false', NODE_ENV: 'production', ROLE: 'api', SCHEDULER_ENABLED: 'false', CREDENTIALS_KEY: randomBytes(32).toString('base64'), API_RATE_LIMIT_PER_MINUTE: '100000000' }),
    );
    await app.start();
    const token = app.bootstrapToken;
    if (!token) throw new Error('no bootstrap token: the scratch database was not fresh');
    const account = await app.services.prisma.marketplaceAccount.create({
      data: { name: 'Bench storefront', channel: 'STOREFRONT', baseUrl: 'http://127.0.0.1:9', credentialsEncrypted: app.services.cipher.encrypt({ token: 'x' }) },
    });
    await addListings(app, account.id, 0, FEW);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    const url = `${app.url}/`;

    await loadOnce(browser, url, token); // warm-up: the service's caches, Chromium's code cache
    const few = await measure(browser, url, token);
    await addListings(app, account.id, FEW, MANY);
    const listings = await app.services.prisma.listing.count();
    if (listings !== MANY) throw new Error(`expected ${MANY} listings, found ${listings}`);
    await loadOnce(browser, url, token);
    const many = await measure(browser, url, token);

    const ratio = Math.round((many.shown / few.shown) * 100) / 100;
    console.log(`overview in Chromium, median of ${ROUNDS} loads each (ms after navigation start), bundle ${(built.scriptBytes / 1000).toFixed(1)} kB:`);
    console.log(`  ${FEW} listings       first contentful paint ${few.fcp}, overview shown ${few.shown} (worst ${few.worstShown})`);
    console.log(`  ${MANY} listings   first contentful paint ${many.fcp}, overview shown ${many.shown} (worst ${many.worstShown})`);
    console.log(`  shown ${MANY} / ${FEW} = ${ratio.toFixed(2)}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(JSON.stringify({ bench: 'overview-paint', rounds: ROUNDS, few: { listings: FEW, ...few }, many: { listings: MANY, ...many }, ratio, load: loadavg()[0] }));
  } finally {
    await browser?.close();
    await app?.stop().catch((error: unknown) => console.error('stopping the app failed:', error));
    await scratch?.drop();
  }
}

await main();
