/**
 * The conflicts page in a real browser (issue 18 item 3): MANUAL conflicts show the local value,
 * the remote base (what the marketplace held when the edit was made) and the remote value now side
 * by side; an OPERATOR keeps the local value of one, then takes the remote value for a selection of
 * two; a VIEWER sees the queue without any decision control. Accessibility and screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildDashboard } from '../../scripts/build-dashboard.js';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, waitFor } from '../helpers/catalog.js';
import { syncNow } from '../helpers/sync.js';
import { checkPage, launchBrowser, newPage, signIn, openSignedIn } from './page-checks.js';

let browser: Browser;
let t: TestApp;
let sim: Simulator;
let accountId: string;

beforeAll(async () => {
  await buildDashboard();
  browser = await launchBrowser();
  // Pushes fail once (the marketplace is down), then wait ten minutes: the edits stay unconfirmed.
  t = await startTestApp({}, { pushWorker: { pollMs: 50, baseDelayMs: 600_000, maxDelayMs: 600_000, connector: { retries: 0 } } });
  sim = await startFastSimulator('STOREFRONT', { offers: 12, seed: 43 });
  accountId = await createSimAccount(t, sim, 'Conflict storefront');
  expect(await syncNow(t, accountId)).toMatchObject({ status: 'SUCCESS' });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await sim?.stop();
});

/** Prices of offers `indexes` edited here (the push fails) and on the marketplace, then a MANUAL sync: one conflict each. */
async function conflictsOn(indexes: number[]) {
  const prisma = t.app.services.prisma;
  const made: { listingId: string; sku: string; base: string; local: string; remote: string }[] = [];
  sim.setFaults({ outage: { from: 0, to: Date.now() + 3_600_000 } });
  for (const index of indexes) {
    const sku = sim.catalog.get(index).sku;
    const listing = await prisma.listing.findFirstOrThrow({ where: { accountId, sku } });
    const local = (500 + index).toFixed(2);
    const r = dataOf(await t.gql(`mutation($i: UpdateListingPriceInput!) { updateListingPrice(input: $i) { errors { code } } }`, { i: { listingId: listing.id, price: local } })).updateListingPrice;
    expect(r.errors).toEqual([]);
    made.push({ listingId: listing.id, sku, base: listing.remotePrice.toFixed(2), local, remote: (700 + index).toFixed(2) });
  }
  await waitFor(async () => (await prisma.pushJob.count({ where: { status: 'PENDING', lastError: { not: null } } })) === indexes.length, { what: 'the failed push attempts', timeoutMs: 20_000 });
  sim.setFaults({});
  indexes.forEach((index, i) => sim.catalog.update(index, { priceMinor: Math.round(Number(made[i]!.remote) * 100) }, Date.now() + 1000));
  expect(await syncNow(t, accountId, { conflictStrategy: 'MANUAL' })).toMatchObject({ status: 'SUCCESS', conflicts: indexes.length });
  return made;
}

describe('conflicts page in a browser', () => {
  it('shows local, remote base and remote now side by side; an OPERATOR keeps local for one and takes remote for a selection; a VIEWER cannot decide', async () => {
    const [first, second, third] = await conflictsOn([1, 2, 3]);
    const conflicts = dataOf(await t.gql('{ syncConflicts(first: 10) { edges { node { id localValue remoteValue baseValue listing { id } } } } }')).syncConflicts.edges.map((e: any) => e.node);
    const idOf = (listingId: string) => conflicts.find((c: any) => c.listing.id === listingId).id as string;
    expect(conflicts.find((c: any) => c.listing.id === first!.listingId)).toMatchObject({ localValue: first!.local, remoteValue: first!.remote, baseValue: first!.base });

    // A VIEWER sees the queue, and no checkbox or decision button.
    const viewer = await newPage(browser);
    await viewer.goto(`${t.url}/#/conflicts`);
    await signIn(viewer, await t.tokenFor('VIEWER'));
    await viewer.locator(`tr[data-conflict-id="${idOf(first!.listingId)}"]`).waitFor();
    expect(await viewer.getByRole('button', { name: /^(Keep local|Take remote)/ }).count()).toBe(0);
    expect(await viewer.getByRole('checkbox').count()).toBe(0);

    const { page, pageErrors } = await openSignedIn(browser, `${t.url}/#/conflicts`, await t.tokenFor('OPERATOR'));
    await page.getByText('3 open conflicts').waitFor();
    const row = page.locator(`tr[data-conflict-id="${idOf(first!.listingId)}"]`);
    const cell = (side: string) => row.locator(`td[data-side="${side}"]`).textContent();
    expect(await cell('local')).toContain(first!.local);
    expect(await cell('base')).toContain(first!.base);
    expect(await cell('remote')).toContain(first!.remote);
    await checkPage(page, 'conflicts');

    // One at a time: keep the local value of the first.
    await row.getByRole('button', { name: new RegExp(`^Keep local value of ${first!.sku}`) }).click();
    await page.getByRole('status').filter({ hasText: '1 conflict resolved.' }).waitFor();
    await row.waitFor({ state: 'detached' });
    const kept = await t.app.services.prisma.syncConflict.findUniqueOrThrow({ where: { id: idOf(first!.listingId) } });
    expect(kept).toMatchObject({ resolution: 'KEEP_LOCAL', resolvedBy: 'test OPERATOR' });
    // Kept: the local price is pushed again and reaches the marketplace.
    await waitFor(() => sim.offer(first!.sku)!.price === first!.local, { what: 'the kept local price at the marketplace' });

    // A selection: take the remote value of the other two.
    for (const c of [second!, third!]) await page.getByRole('checkbox', { name: new RegExp(`^Select conflict ${c.sku}`) }).check();
    await page.getByText('2 selected').waitFor();
    await page.getByRole('button', { name: 'Take remote for the selected' }).click();
    await page.getByRole('status').filter({ hasText: '2 conflicts resolved.' }).waitFor();
    await page.getByText('No conflict is waiting.').waitFor();
    for (const c of [second!, third!]) {
      const listing = await t.app.services.prisma.listing.findUniqueOrThrow({ where: { id: c.listingId } });
      expect({ price: listing.price.toFixed(2), edited: listing.priceEditedAt }).toEqual({ price: c.remote, edited: null });
      expect(await t.app.services.prisma.syncConflict.findUniqueOrThrow({ where: { id: idOf(c.listingId) } })).toMatchObject({ resolution: 'TAKE_REMOTE' });
    }
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
