/**
 * A sync run survives the death of the process running it: the service runs as a real child
 * process, is killed in the middle of a 10,000-offer FULL run, and another process started on the
 * same database resumes the run from its last committed page to SUCCESS, with every offer once.
 *
 * PostgreSQL: the second process's reaper finds the run RUNNING with a stale heartbeat
 * (SYNC_STALE_AFTER_MS), marks it INTERRUPTED and claims it again.
 * PGlite: one process owns the data directory, so whatever the next process finds RUNNING was
 * orphaned; the second process gets a stale-after far longer than the test, so only that
 * "exclusive database" path can pick the run up.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { backend, dataOf } from '../helpers/app.js';
import { ERRORS, waitFor } from '../helpers/catalog.js';
import { killAllChildren, serviceEnv, startChildService, type ChildService } from '../helpers/child-service.js';
import { createScenario, removeScenarioDirs, type Scenario, type Store } from '../helpers/crash-scenario.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';

const OFFERS = 10_000;
const PAGES = 100; // eMAG pages of 100 offers
const READ = 'POST /api-3/product_offer/read';
const ADMIN_TOKEN = `resume-test-admin-${randomBytes(16).toString('hex')}`;
// Both processes must decrypt the account's credentials: one key for all of them.
const CREDENTIALS_KEY = randomBytes(32).toString('hex');
const TIMEOUT = 240_000;

function childEnv(scenario: Scenario, overrides: Record<string, string> = {}): Record<string, string> {
  return serviceEnv({ ADMIN_TOKEN, CREDENTIALS_KEY, SYNC_HEARTBEAT_MS: '200', SYNC_STALE_AFTER_MS: '1500', SYNC_POLL_MS: '200', ...scenario.env, ...overrides });
}

const startChild = (scenario: Scenario, overrides?: Record<string, string>) => startChildService({ env: childEnv(scenario, overrides), token: ADMIN_TOKEN });

/** A second process on PGlite must find the orphan because it owns the database, not because the heartbeat went stale. */
const resumerOverrides = (): Record<string, string> => (backend === 'pglite' ? { SYNC_STALE_AFTER_MS: '3600000' } : {});

/** Elapsed time per step, for the report. */
function stopwatch() {
  let last = Date.now();
  const laps: string[] = [];
  return {
    lap(what: string) {
      const now = Date.now();
      laps.push(`${what} +${now - last} ms`);
      last = now;
    },
    report: () => laps.join(', '),
  };
}

const RUN = 'id status pagesDone pagesTotal created updated unchanged failed delisted resumedCount percent error';

async function createAccount(child: ChildService, sim: Simulator): Promise<string> {
  const r = dataOf(
    await child.gql(`mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } ${ERRORS} } }`, {
      input: { channel: sim.channel, name: 'eMAG resume', baseUrl: sim.url, credentials: sim.credentials, rateLimits: sim.rateLimits, fulfillment: sim.fulfillment },
    }),
  ).createAccount;
  expect(r.errors).toEqual([]);
  return r.account.id;
}

async function triggerFull(child: ChildService, accountId: string): Promise<string> {
  const r = dataOf(
    await child.gql(`mutation($input: TriggerSyncInput!) { triggerSync(input: $input) { runs { id status } ${ERRORS} } }`, {
      input: { accountIds: [accountId], scope: 'PRODUCTS', mode: 'FULL' },
    }),
  ).triggerSync;
  expect(r.errors).toEqual([]);
  return r.runs[0].id;
}

const runOf = async (child: ChildService, id: string) => dataOf(await child.gql(`query($id: ID!) { syncRun(id: $id) { ${RUN} } }`, { id })).syncRun;

/** Waits until the run is RUNNING with at least `pages` pages committed (and not yet done). */
async function waitForProgress(child: ChildService, id: string, pages: number) {
  const run = await waitFor(
    async () => {
      const r = await runOf(child, id);
      if (['SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED'].includes(r.status)) throw new Error(`run finished before it could be interrupted: ${JSON.stringify(r)}`);
      return r.status === 'RUNNING' && r.pagesDone >= pages ? r : null;
    },
    { timeoutMs: 90_000, intervalMs: 20, what: `run ${id} to reach ${pages} pages` },
  );
  expect(run.pagesDone).toBeLessThan(PAGES);
  return run;
}

/** Waits for the run's final status; on timeout says where it stood and what the process logged as errors. */
async function waitForEnd(child: ChildService, id: string, timeoutMs = 75_000) {
  let last: unknown;
  try {
    return await waitFor(
      async () => {
        const r = (last = await runOf(child, id));
        return ['SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED'].includes(r.status) ? r : null;
      },
      { timeoutMs, intervalMs: 100, what: `run ${id} to finish` },
    );
  } catch (error) {
    const errors = child.logs().filter((l) => l.level >= 40).map((l) => `${l.msg}: ${l.err?.message ?? ''}`.trim());
    throw new Error(`${(error as Error).message}; the run is ${JSON.stringify(last)}; the process logged:\n${errors.slice(0, 10).join('\n')}`);
  }
}

const runRow = async (store: Store, id: string) =>
  (await store.query(`SELECT status, "ownerId", "heartbeatAt", cursor, "pagesDone", "itemsDone", created, updated, unchanged, "resumedCount", "activeKey" FROM "SyncRun" WHERE id = $1`, [id]))[0]!;

const count = async (store: Store, sql: string, params: unknown[]) => Number((await store.query<{ n: string | number }>(sql, params))[0]!.n);

/** What the database holds right after the first process died: exactly its committed pages. */
async function expectCommittedPagesOnly(store: Store, runId: string, accountId: string, pagesAtLeast: number) {
  const run = await runRow(store, runId);
  expect(run.pagesDone).toBeGreaterThanOrEqual(pagesAtLeast);
  expect(run.pagesDone).toBeLessThan(PAGES);
  expect(run.cursor).toBeTruthy();
  const listings = await count(store, `SELECT count(*) AS n FROM "Listing" WHERE "accountId" = $1`, [accountId]);
  expect(listings).toBeGreaterThan(0);
  expect(listings).toBeLessThan(OFFERS);
  // Pages and counters are committed together: what landed is what the run counts.
  expect(listings).toBe(run.itemsDone);
  expect(run.created).toBe(run.itemsDone);
  expect(run.itemsDone).toBe(run.pagesDone * 100);
  return run;
}

/** The resumed run finished the job: every offer once, with the simulator's values, read once. */
async function expectCompleteAfterResume(store: Store, sim: Simulator, runId: string, accountId: string, pagesBefore: number) {
  const run = (await store.query(`SELECT * FROM "SyncRun" WHERE id = $1`, [runId]))[0]!;
  expect(run).toMatchObject({ status: 'SUCCESS', resumedCount: 1, pagesDone: PAGES, itemsDone: OFFERS, failed: 0, delisted: 0, activeKey: null, cursor: null });
  expect(run.created + run.updated + run.unchanged).toBe(OFFERS);
  // Nothing was read twice: the pages before the interruption were not listed again.
  expect({ created: run.created, updated: run.updated, unchanged: run.unchanged }).toEqual({ created: OFFERS, updated: 0, unchanged: 0 });

  expect(await count(store, `SELECT count(*) AS n FROM "Listing" WHERE "accountId" = $1`, [accountId])).toBe(OFFERS);
  expect(await count(store, `SELECT count(DISTINCT "externalId") AS n FROM "Listing" WHERE "accountId" = $1`, [accountId])).toBe(OFFERS);
  // DELISTED only where the marketplace itself says archived: the completed FULL run delisted nothing.
  let archived = 0;
  for (let index = 0; index < OFFERS; index++) if (sim.offer(sim.catalog.get(index).sku)!.status === 'archived') archived++;
  expect(await count(store, `SELECT count(*) AS n FROM "Listing" WHERE "accountId" = $1 AND status = 'DELISTED'`, [accountId])).toBe(archived);
  expect(await count(store, `SELECT count(*) AS n FROM "Product"`, [])).toBe(OFFERS);
  expect(await count(store, `SELECT count(*) AS n FROM "SyncRunSeen" WHERE "runId" = $1`, [runId])).toBe(0);
  // Offers either side of the interruption, and the ends of the catalog.
  const boundary = pagesBefore * 100;
  for (const index of [0, boundary - 1, boundary, boundary + 1, OFFERS - 1]) {
    const offer = sim.offer(sim.catalog.get(index).sku)!;
    const [listing] = await store.query(`SELECT sku, price::text AS price, stock FROM "Listing" WHERE "accountId" = $1 AND "externalId" = $2`, [accountId, offer.externalId]);
    expect(listing, `offer ${index}`).toEqual({ sku: offer.sku, price: offer.price, stock: offer.stock });
  }
  const messages = (await store.query<{ level: string; message: string }>(`SELECT level, message FROM "SyncLog" WHERE "runId" = $1 ORDER BY "createdAt", id`, [runId])).map((l) => `${l.level} ${l.message}`);
  expect(messages).toContain(`INFO resumed after an interruption at page ${pagesBefore} (phase PRODUCTS)`);
  expect(messages.filter((m) => /^INFO .*sync started/.test(m))).toHaveLength(1);
  expect(messages.filter((m) => m.startsWith('INFO resumed after'))).toHaveLength(1);
  expect(messages.filter((m) => m.startsWith('INFO sync SUCCESS'))).toHaveLength(1);
  return messages;
}

describe(`a sync run whose process dies resumes in the next process (${backend})`, () => {
  const sims: Simulator[] = [];
  const scenarios: Scenario[] = [];
  const stores: Store[] = [];

  const open = async (scenario: Scenario) => {
    const store = await scenario.inspect();
    stores.push(store);
    return store;
  };
  const simulator = async (seed: number) => {
    const sim = await startFastSimulator('EMAG', { offers: OFFERS, seed, faults: { latencyMs: 20 } });
    sims.push(sim);
    return sim;
  };
  const scenario = async () => {
    const s = await createScenario('stockline-resume-');
    scenarios.push(s);
    return s;
  };

  /** A first process with a FULL run of a fresh account that has committed 30% of its pages. */
  const runToThirtyPercent = async (seed: number) => {
    const clock = stopwatch();
    const db = await scenario();
    const sim = await simulator(seed);
    const first = await startChild(db);
    clock.lap('first process up');
    const accountId = await createAccount(first, sim);
    const runId = await triggerFull(first, accountId);
    await waitForProgress(first, runId, 30);
    clock.lap('30% of the pages');
    return { clock, db, sim, first, accountId, runId };
  };

  afterAll(async () => {
    await killAllChildren();
    for (const store of stores) await store.close().catch(() => {});
    for (const s of scenarios) await s.drop();
    for (const sim of sims) await sim.stop();
    removeScenarioDirs();
  }, 60_000);

  it('SIGKILL in the middle of a run: the next process resumes it from the stored cursor to SUCCESS, every offer once', { timeout: TIMEOUT }, async () => {
    const { clock, db, sim, first, accountId, runId } = await runToThirtyPercent(31);
    const killed = await first.kill('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const readsBefore = sim.stats().byEndpoint[READ]?.requests ?? 0;
    expect(first.output()).not.toMatch(/shutting down/);

    // Nobody marked it: it is RUNNING, owned by the dead process, at its last committed page.
    let store = await open(db);
    const atKill = await expectCommittedPagesOnly(store, runId, accountId, 30);
    expect(atKill).toMatchObject({ status: 'RUNNING', resumedCount: 0, activeKey: accountId });
    expect(atKill.ownerId).toBeTruthy();
    expect(atKill.heartbeatAt).not.toBeNull();
    expect(readsBefore).toBeGreaterThanOrEqual(atKill.pagesDone);
    if (backend === 'pglite') await store.close();

    sim.resetStats();
    clock.lap('inspected');
    const second = await startChild(db, resumerOverrides());
    clock.lap('second process up');
    const end = await waitForEnd(second, runId);
    clock.lap('resumed run finished');
    expect(end).toMatchObject({ status: 'SUCCESS', resumedCount: 1, pagesDone: PAGES, created: OFFERS, updated: 0, unchanged: 0, failed: 0, percent: 100, error: null });

    // The second process read the remaining pages only, from the stored cursor.
    const stats = sim.stats();
    expect(stats.byEndpoint[READ]?.requests).toBe(PAGES - atKill.pagesDone);
    expect(stats.violations).toBe(0);
    expect(readsBefore + stats.byEndpoint[READ]!.requests).toBeLessThan(PAGES + 10);

    const stopped = await second.kill('SIGTERM');
    expect(stopped.code).toBe(0);
    if (backend === 'pglite') store = await open(db);
    const messages = await expectCompleteAfterResume(store, sim, runId, accountId, atKill.pagesDone);
    // Marked INTERRUPTED by the second process's reaper (stale heartbeat, or the exclusive PGlite sweep), not by a shutdown.
    expect(messages).toContain(`WARN the worker running this sync stopped answering after ${atKill.pagesDone} page(s); marked INTERRUPTED to resume`);
    expect(messages.some((m) => m.includes('interrupted by shutdown'))).toBe(false);
    const resumedIndex = messages.findIndex((m) => m.startsWith('INFO resumed after'));
    expect(messages.findIndex((m) => m.includes('stopped answering'))).toBeLessThan(resumedIndex);
    console.info(`[resume ${backend}] SIGKILL after ${atKill.pagesDone} pages (${readsBefore} reads), ${stats.byEndpoint[READ]!.requests} reads after; ${clock.report()}`);
  });

  it('SIGTERM in the middle of a run: the run is left INTERRUPTED (not RUNNING) and the next process resumes it', { timeout: TIMEOUT }, async () => {
    const { clock, db, sim, first, accountId, runId } = await runToThirtyPercent(32);
    const stoppedFirst = await first.kill('SIGTERM');
    clock.lap('first process stopped');
    expect(stoppedFirst.code).toBe(0);
    expect(first.output()).toMatch(/"signal":"SIGTERM"[^\n]*"msg":"shutting down"/);

    let store = await open(db);
    const atStop = await expectCommittedPagesOnly(store, runId, accountId, 30);
    // The graceful stop hands the run back: no owner, no heartbeat, the account's slot kept.
    expect(atStop).toMatchObject({ status: 'INTERRUPTED', ownerId: null, heartbeatAt: null, resumedCount: 0, activeKey: accountId });
    const logs = await store.query<{ level: string; message: string }>(`SELECT level, message FROM "SyncLog" WHERE "runId" = $1 AND level = 'WARN'`, [runId]);
    expect(logs.map((l) => l.message)).toEqual([`interrupted by shutdown after ${atStop.pagesDone} page(s); it resumes from there`]);
    if (backend === 'pglite') await store.close();

    sim.resetStats();
    clock.lap('inspected');
    const second = await startChild(db, resumerOverrides());
    clock.lap('second process up');
    const end = await waitForEnd(second, runId);
    clock.lap('resumed run finished');
    expect(end).toMatchObject({ status: 'SUCCESS', resumedCount: 1, pagesDone: PAGES, created: OFFERS, updated: 0, unchanged: 0, failed: 0 });
    expect(sim.stats().byEndpoint[READ]?.requests).toBe(PAGES - atStop.pagesDone);

    expect((await second.kill('SIGTERM')).code).toBe(0);
    if (backend === 'pglite') store = await open(db);
    const messages = await expectCompleteAfterResume(store, sim, runId, accountId, atStop.pagesDone);
    // Nobody had to reap it: it was handed back cleanly.
    expect(messages.some((m) => m.includes('stopped answering'))).toBe(false);
    console.info(`[resume ${backend}] SIGTERM after ${atStop.pagesDone} pages; ${clock.report()}`);
  });
});
