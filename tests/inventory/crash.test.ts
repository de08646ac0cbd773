/**
 * Order lines reserve pool stock exactly once across a crash: the service runs as a child process,
 * is SIGKILLed in the middle of an orders sync of 800 eMAG orders, another process resumes the
 * run, and one more full orders sync follows. The ledger then holds one RESERVE per open order
 * line, and reserved equals the units of the open orders at the marketplace.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { backend, dataOf } from '../helpers/app.js';
import { ERRORS, waitFor } from '../helpers/catalog.js';
import { killAllChildren, serviceEnv, startChildService, type ChildService } from '../helpers/child-service.js';
import { createScenario, removeScenarioDirs, type Scenario } from '../helpers/crash-scenario.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';

const ADMIN_TOKEN = `pool-crash-admin-${randomBytes(16).toString('hex')}`;
const CREDENTIALS_KEY = randomBytes(32).toString('hex');
const ORDERS = 800;
const FINAL = ['SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED'];

const startChild = (scenario: Scenario, overrides: Record<string, string> = {}) =>
  startChildService({
    env: serviceEnv({ ADMIN_TOKEN, CREDENTIALS_KEY, SYNC_HEARTBEAT_MS: '200', SYNC_STALE_AFTER_MS: '1500', SYNC_POLL_MS: '200', ...scenario.env, ...overrides }),
    token: ADMIN_TOKEN,
  });

async function trigger(child: ChildService, accountId: string, scope: string): Promise<string> {
  const r = dataOf(await child.gql(`mutation($input: TriggerSyncInput!) { triggerSync(input: $input) { runs { id } ${ERRORS} } }`, { input: { accountIds: [accountId], scope, mode: 'FULL' } })).triggerSync;
  expect(r.errors).toEqual([]);
  return r.runs[0].id;
}
const runOf = async (child: ChildService, id: string) => dataOf(await child.gql(`query($id: ID!) { syncRun(id: $id) { status pagesDone resumedCount error } }`, { id })).syncRun;
const finished = (child: ChildService, id: string) =>
  waitFor(async () => {
    const run = await runOf(child, id);
    return FINAL.includes(run.status) ? run : null;
  }, { timeoutMs: 120_000, intervalMs: 100, what: `run ${id} to finish` });

let sim: Simulator;
let scenario: Scenario;

afterAll(async () => {
  await killAllChildren();
  await sim?.stop();
  await scenario?.drop();
  removeScenarioDirs();
});

describe('stock pool across a crash', () => {
  it('SIGKILL during a burst of order syncs: the ledger has each order line exactly once', { timeout: 300_000 }, async () => {
    sim = await startFastSimulator('EMAG', { offers: 100, orders: ORDERS, seed: 41 });
    scenario = await createScenario('stockline-pool-crash-');
    const first = await startChild(scenario);
    const created = dataOf(
      await first.gql(`mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } ${ERRORS} } }`, {
        input: { channel: 'EMAG', name: 'eMAG pool crash', baseUrl: sim.url, credentials: sim.credentials, rateLimits: sim.rateLimits, fulfillment: 'MAIN' },
      }),
    ).createAccount;
    expect(created.errors).toEqual([]);
    const accountId = created.account.id;
    expect((await finished(first, await trigger(first, accountId, 'PRODUCTS'))).status).toBe('SUCCESS');

    // 8 pages of orders at one request a second: time to kill the process with some pages committed,
    // and 5 s left after the third, however slowly a loaded machine answers the polls (at 4 a second
    // the run once finished between two polls).
    sim.setRateLimits({ orders: { limit: 1, periodMs: 1000, burst: 1 } });
    const runId = await trigger(first, accountId, 'ORDERS');
    await waitFor(async () => {
      const run = await runOf(first, runId);
      if (FINAL.includes(run.status)) throw new Error(`run finished before it could be interrupted: ${JSON.stringify(run)}`);
      return run.pagesDone >= 3 ? run : null;
    }, { timeoutMs: 90_000, intervalMs: 20, what: 'three committed pages of orders' });
    expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');

    const store = await scenario.inspect();
    const midway = await store.query<{ movements: number; reservations: number; pages: number }>(
      `SELECT (SELECT count(*)::int FROM "StockMovement" WHERE reason = 'RESERVE') AS movements,
              (SELECT count(*)::int FROM "StockReservation") AS reservations,
              (SELECT "pagesDone" FROM "SyncRun" WHERE id = $1) AS pages`,
      [runId],
    );
    await store.close();
    expect(midway[0]!.pages).toBeLessThan(ORDERS / 100);
    expect(midway[0]!.movements).toBeGreaterThan(0);
    // What committed is whole pages: each reservation with its movement, nothing half-written.
    expect(midway[0]!.movements).toBe(midway[0]!.reservations);

    sim.setRateLimits({ orders: { limit: 200, periodMs: 1000, burst: 10 } });
    // PGlite: one process owns the database, so the next one sweeps the run up as orphaned at once.
    const second = await startChild(scenario, backend === 'pglite' ? { SYNC_STALE_AFTER_MS: '3600000' } : {});
    expect(await finished(second, runId)).toMatchObject({ status: 'SUCCESS', resumedCount: 1 });
    // And once more over every order: nothing is reserved again.
    expect((await finished(second, await trigger(second, accountId, 'ORDERS'))).status).toBe('SUCCESS');
    await second.kill('SIGTERM');

    // eMAG reports new as new and processing/shipped ("prepared") as in progress: all three are open.
    const open = sim.orders.all().filter((o) => o.status === 'new' || o.status === 'processing' || o.status === 'shipped');
    const openLines = open.reduce((n, o) => n + o.lines.length, 0);
    const openUnits = open.reduce((n, o) => n + o.lines.reduce((u, l) => u + l.quantity, 0), 0);
    const after = await scenario.inspect();
    try {
      const twice = await after.query(`SELECT "causeId", "causePosition", count(*)::int AS n FROM "StockMovement" WHERE reason = 'RESERVE' GROUP BY 1, 2 HAVING count(*) > 1`);
      expect(twice).toEqual([]);
      const [totals] = await after.query<{ reserves: number; reservations: number; reserved: number; balance: number }>(
        `SELECT (SELECT count(*)::int FROM "StockMovement" WHERE reason = 'RESERVE') AS reserves,
                (SELECT count(*)::int FROM "StockReservation" WHERE state = 'RESERVED') AS reservations,
                (SELECT COALESCE(sum(quantity), 0)::int FROM "StockReservation" WHERE state = 'RESERVED') AS reserved,
                (SELECT COALESCE(sum(reserved), 0)::int FROM "StockBalance") AS balance`,
      );
      expect(totals).toEqual({ reserves: openLines, reservations: openLines, reserved: openUnits, balance: openUnits });
    } finally {
      await after.close();
    }
  });
});
