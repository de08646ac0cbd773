/**
 * Progress never lies (issue 15 item 4): at every syncProgress event received over graphql-ws,
 * and in the stored run, itemsDone <= itemsTotal and pagesDone <= pagesTotal (when known), the
 * percent stays within 0..100 and the ETA is never negative; a completed run ends with done ==
 * total. One account per channel runs FULL, INCREMENTAL (offers and orders drifting while it
 * runs) and SELECTIVE syncs, listings and orders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { disposeWsClients, openSubscriptions, openWsClient } from '../helpers/ws-client.js';
import { createSimAccount, waitFor } from '../helpers/catalog.js';
import { runOf, trigger } from '../helpers/sync.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';

const FINAL = new Set(['SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED']);
// Ozon lists 1000 products a page: a catalog of exactly that many ends with an empty page after a full one.
const OFFERS = 1000;
const PROGRESS = `subscription($accountId: ID) { syncProgress(accountId: $accountId) { runId status phase pagesDone pagesTotal itemsDone itemsTotal percent etaSeconds } }`;

interface Progress {
  runId: string;
  status: string;
  phase: string | null;
  pagesDone: number;
  pagesTotal: number | null;
  itemsDone: number;
  itemsTotal: number | null;
  percent: number;
  etaSeconds: number | null;
}

/** The claims every snapshot must hold, as readable strings (so a failure shows the event). */
function lies(e: Progress): string[] {
  const found: string[] = [];
  if (e.pagesTotal !== null && e.pagesDone > e.pagesTotal) found.push(`page ${e.pagesDone}/${e.pagesTotal}`);
  if (e.itemsTotal !== null && e.itemsDone > e.itemsTotal) found.push(`items ${e.itemsDone}/${e.itemsTotal}`);
  if (e.percent < 0 || e.percent > 100) found.push(`percent ${e.percent}`);
  if (e.status === 'RUNNING' && e.percent >= 100) found.push(`percent ${e.percent} while running`);
  if (e.etaSeconds !== null && e.etaSeconds < 0) found.push(`eta ${e.etaSeconds}`);
  return found.map((text) => `${e.status} ${e.phase ?? '-'}: ${text}`);
}

describe.each(['STOREFRONT', 'EMAG', 'OZON', 'WILDBERRIES'] as const)('progress totals on %s', (channel) => {
  let t: TestApp;
  let sim: Simulator;
  let accountId: string;

  beforeAll(async () => {
    t = await startTestApp();
    sim = await startFastSimulator(channel, { offers: OFFERS, seed: 21, stockCooldownMs: 0 });
    accountId = await createSimAccount(t, sim);
  });
  afterAll(async () => {
    await disposeWsClients();
    await t?.close();
    await sim?.stop();
  });

  /**
   * Follows the account's progress from before the run is triggered (so every phase is seen,
   * however fast the run goes), then triggers it; `onFirstPage` runs once, when the first page's
   * event arrives. Returns every event of the run.
   */
  async function follow(input: Record<string, unknown>, onFirstPage?: () => void): Promise<{ events: Progress[]; stored: any }> {
    const client = openWsClient(t.url, await t.tokenFor('VIEWER'));
    const open = await openSubscriptions(t);
    let runId: string | undefined;
    // Until the trigger has answered, the run's id is not known: its events wait here.
    const early: Progress[] = [];
    const seen: Progress[] = [];
    let handle!: (event: Progress) => void;
    const events = new Promise<Progress[]>((resolve, reject) => {
      handle = (event) => {
        if (event.runId !== runId) return;
        seen.push(event);
        if (onFirstPage && event.pagesDone > 0) {
          onFirstPage();
          onFirstPage = undefined;
        }
        if (FINAL.has(event.status)) {
          stop();
          resolve(seen);
        }
      };
      const stop = client.subscribe(
        { query: PROGRESS, variables: { accountId } },
        {
          next: (message) => {
            if (message.errors) return reject(new Error(JSON.stringify(message.errors)));
            const event = (message.data as { syncProgress: Progress }).syncProgress;
            if (runId === undefined) early.push(event);
            else handle(event);
          },
          error: reject,
          complete: () => resolve(seen),
        },
      );
    });
    await waitFor(async () => (await openSubscriptions(t)) > open, { what: 'the progress subscription to be live' });
    const { runs, errors } = await trigger(t, { accountIds: [accountId], ...input });
    expect(errors).toEqual([]);
    runId = runs[0].id as string;
    for (const event of early.splice(0)) handle(event);
    const seenAll = await events;
    // Ended on the server too, so the next run's follow counts from an exact baseline.
    await waitFor(async () => (await openSubscriptions(t)) <= open, { what: 'the progress subscription to end' });
    return { events: seenAll, stored: await runOf(t, runId) };
  }

  /** Every event and the stored run tell the truth, and the completed run ends with done == total. */
  function expectHonest(events: Progress[], stored: any) {
    expect(events.flatMap(lies)).toEqual([]);
    const last = events.at(-1)!;
    expect(last.status).toBe('SUCCESS');
    expect(last.percent).toBe(100);
    expect(last.etaSeconds).toBe(0);
    expect({ pages: last.pagesTotal, items: last.itemsTotal }).toEqual({ pages: last.pagesDone, items: last.itemsDone });
    // The stored row and the last event agree.
    expect(stored).toMatchObject({ status: last.status, pagesDone: last.pagesDone, pagesTotal: last.pagesTotal, itemsDone: last.itemsDone, percent: last.percent });
    expect(lies({ ...stored, phase: null, etaSeconds: null, itemsTotal: last.itemsTotal })).toEqual([]);
  }

  it('FULL, listings then orders', async () => {
    const { events, stored } = await follow({ scope: 'ALL', mode: 'FULL' });
    expectHonest(events, stored);
    expect(events.some((e) => e.phase === 'ORDERS' && e.status === 'RUNNING')).toBe(true);
    expect(stored.itemsDone).toBeGreaterThan(OFFERS);
  });

  it('INCREMENTAL, listings then orders, with offers and orders drifting in while it runs', async () => {
    sim.drift({ count: 50, orders: { created: 5 } });
    const { events, stored } = await follow({ scope: 'ALL', mode: 'INCREMENTAL' }, () => sim.drift({ count: 200, orders: { created: 20 } }));
    expectHonest(events, stored);
  });

  it('ORDERS only, INCREMENTAL', async () => {
    sim.drift({ count: 1, orders: { created: 10 } });
    const { events, stored } = await follow({ scope: 'ORDERS', mode: 'INCREMENTAL' });
    expectHonest(events, stored);
    expect(events.every((e) => e.phase !== 'PRODUCTS')).toBe(true);
  });

  it('SELECTIVE: the total is at most the SKUs asked, and what was found once complete', async () => {
    const skus = [sim.catalog.get(3).sku, sim.catalog.get(500).sku, sim.catalog.get(999).sku, 'NO-SUCH-SKU-1', 'NO-SUCH-SKU-2'];
    const { events, stored } = await follow({ scope: 'PRODUCTS', mode: 'SELECTIVE', skus });
    expectHonest(events, stored);
    expect(events.every((e) => e.itemsTotal === null || e.itemsTotal <= skus.length)).toBe(true);
    expect(stored.itemsDone).toBe(3);
  });
});
