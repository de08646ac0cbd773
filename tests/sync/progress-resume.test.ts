/**
 * Progress of a resumed run (issue 15 item 4): a FULL listings-then-orders run whose executor
 * loses the database in the middle of the orders phase is INTERRUPTED, claimed again and resumed from its
 * last committed page. Every stored snapshot (each one published as a progress event) keeps
 * done <= total, the resumed orders phase still adds to what the listings phase read, and the
 * completed run ends with done == total.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, waitFor } from '../helpers/catalog.js';
import { trigger, waitForRun } from '../helpers/sync.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import type { SyncProgressEvent } from '../../src/modules/sync/sync.events.js';

const OFFERS = 1000; // 10 listing pages of 100
const ORDERS = 600; // 6 order pages of 100
const CRASH_AT = 12; // after the second orders page

let t: TestApp;
let sim: Simulator;
const snapshots: SyncProgressEvent[] = [];
/** The next failure to inject: thrown once the page that brings the run to `pagesDone` in `phase` has committed. */
let inject: { phase: string; pagesDone: number; error: Error } | null = null;

beforeAll(async () => {
  t = await startTestApp({ SYNC_POLL_MS: '100' });
  sim = await startFastSimulator('STOREFRONT', { offers: OFFERS, orders: ORDERS, seed: 5 });
  const events = t.app.services.events;
  const publish = events.publishSyncProgress.bind(events);
  events.publishSyncProgress = (event) => {
    snapshots.push(event);
    if (inject && event.phase === inject.phase && event.pagesDone === inject.pagesDone && event.status === 'RUNNING') {
      const { error } = inject;
      inject = null;
      throw error;
    }
    publish(event);
  };
});
/** The run's finished state as stored, once its last progress snapshot (published after the commit) has come too. */
async function finishedRun(runId: string) {
  await waitForRun(t, runId);
  await waitFor(() => snapshots.some((e) => e.runId === runId && e.status !== 'RUNNING'), { what: `the last progress snapshot of run ${runId}` });
  return t.app.services.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } });
}

afterAll(async () => {
  await t?.close();
  await sim?.stop();
});

it('a run resumed in its orders phase keeps counting on top of its listings phase', async () => {
  // The database "drops" right after the page committed: the executor stops, releases the run
  // INTERRUPTED, and a worker resumes it from that page.
  inject = { phase: 'ORDERS', pagesDone: CRASH_AT, error: Object.assign(new Error('injected: connection lost in the orders phase'), { code: 'ECONNRESET' }) };
  const accountId = await createSimAccount(t, sim);
  const { runs } = await trigger(t, { accountIds: [accountId], scope: 'ALL', mode: 'FULL' });
  const stored = await finishedRun(runs[0].id);
  expect(stored).toMatchObject({ status: 'SUCCESS', resumedCount: 1, pagesDone: 16, pagesTotal: 16, itemsDone: OFFERS + ORDERS, itemsTotal: OFFERS + ORDERS, percent: 100 });

  const mine = snapshots.filter((e) => e.runId === stored.id);
  const lies = mine.filter((e) => (e.pagesTotal !== null && e.pagesDone > e.pagesTotal) || (e.itemsTotal !== null && e.itemsDone > e.itemsTotal) || e.percent < 0 || e.percent > 100);
  expect(lies).toEqual([]);
  // One snapshot per committed page and a final one; the pages after the resume are the orders phase's.
  expect(mine.map((e) => e.pagesDone)).toEqual([...Array.from({ length: 16 }, (_, i) => i + 1), 16]);
  const afterResume = mine.filter((e) => e.phase === 'ORDERS' && e.pagesDone > CRASH_AT && e.status === 'RUNNING');
  expect(afterResume.map((e) => [e.pagesDone, e.pagesTotal, e.itemsDone, e.itemsTotal])).toEqual(
    [13, 14, 15, 16].map((pages) => [pages, 16, OFFERS + (pages - 10) * 100, OFFERS + ORDERS]),
  );
});

it('a failure after a page committed retries from that page: nothing is counted twice', async () => {
  // Not an outage: the executor retries the page position in place, from what the database holds.
  inject = { phase: 'PRODUCTS', pagesDone: 3, error: new Error('injected: failure after the page committed') };
  const accountId = await createSimAccount(t, sim);
  const { runs } = await trigger(t, { accountIds: [accountId], scope: 'PRODUCTS', mode: 'FULL' });
  const stored = await finishedRun(runs[0].id);
  expect(inject).toBeNull();
  expect(stored).toMatchObject({ status: 'SUCCESS', pagesDone: 10, pagesTotal: 10, itemsDone: OFFERS, itemsTotal: OFFERS, created: OFFERS, unchanged: 0 });
  const mine = snapshots.filter((e) => e.runId === stored.id);
  expect(mine.map((e) => e.pagesDone)).toEqual([...Array.from({ length: 10 }, (_, i) => i + 1), 10]);
});
