/**
 * Issue 15 item 1: the storefront promised that a user's changes are never overwritten by a sync.
 * 24 order-status edits on a storefront account created with no conflict strategy, then three
 * syncs fired by the scheduler (its own default storefront schedule, every 5 minutes, on a fake
 * clock) while the storefront moves orders along and places new ones — including the edited ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScheduler, type Scheduler } from '../../src/scheduler/scheduler.js';
import type { Simulator } from '../../src/simulators/index.js';
import type { NeutralOrderStatus } from '../../src/simulators/shared/orders.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, ERRORS } from '../helpers/catalog.js';
import { waitForRun } from '../helpers/sync.js';

const STATUS = `mutation($input: UpdateOrderStatusInput!) { updateOrderStatus(input: $input) { order { id status } ${ERRORS} } }`;
const NEXT: Partial<Record<NeutralOrderStatus, NeutralOrderStatus>> = { new: 'processing', processing: 'shipped', shipped: 'delivered', delivered: 'returned' };

let t: TestApp;
let sim: Simulator;
let scheduler: Scheduler;
let accountId: string;
const clock = { now: new Date() };
const prisma = () => t.app.services.prisma;

beforeAll(async () => {
  sim = await startFastSimulator('STOREFRONT', { offers: 120, orders: 80, seed: 15 });
  t = await startTestApp();
  accountId = await createSimAccount(t, sim, 'Storefront with edits');
  scheduler = await startScheduler(t.app.services, { timers: false, firstSync: false, now: () => clock.now });
  // Only the account's default incremental schedule fires (the daily full, retention and statistics stay off).
  await prisma().schedule.updateMany({ where: { NOT: { accountId, mode: 'INCREMENTAL', kind: 'SYNC' } }, data: { enabled: false, nextFireAt: null } });
});
afterAll(async () => {
  await scheduler?.stop();
  await t?.close();
  await sim?.stop();
});

/** Moves the fake clock to the schedule's next slot, fires it and waits for the run it queued. */
async function scheduledSync() {
  const schedule = await prisma().schedule.findFirstOrThrow({ where: { accountId, kind: 'SYNC', mode: 'INCREMENTAL', enabled: true } });
  expect(schedule.intervalSeconds).toBe(300);
  clock.now = schedule.nextFireAt!;
  const fired = await scheduler.fireDue(clock.now);
  expect(fired.map((f) => [f.key, f.error])).toEqual([[schedule.key, null]]);
  const run = await waitForRun(t, fired[0]!.runId!);
  expect((await prisma().syncRun.findUniqueOrThrow({ where: { id: run.id } })).triggeredBy).toBe('scheduler');
  return run;
}

const countsOf = async (runId: string) =>
  dataOf(await t.gql(`query($id: ID!) { syncRun(id: $id) { conflictStrategy conflicts editsOverridden editsKept editsQueued } }`, { id: runId })).syncRun;

describe('storefront order-status edits and scheduled syncs', () => {
  it('24 edits survive three scheduled syncs while the storefront moves those orders on; each run counts the edits it kept', async () => {
    expect(dataOf(await t.gql(`query($id: ID!) { account(id: $id) { conflictStrategy } }`, { id: accountId })).account.conflictStrategy).toBe('LOCAL_PRIORITY');
    expect(await scheduledSync()).toMatchObject({ status: 'SUCCESS', conflicts: 0 });

    // 24 open orders, each set by a user to CANCELLED: a status the storefront's lifecycle never moves them to.
    const edited = sim.orders.all().filter((o) => NEXT[o.status]).slice(0, 24);
    expect(edited).toHaveLength(24);
    const orderOf = (id: number) => prisma().order.findFirstOrThrow({ where: { accountId, externalId: String(id) } });
    for (const o of edited) {
      const r = dataOf(await t.gql(STATUS, { input: { orderId: (await orderOf(o.id)).id, status: 'CANCELLED' } })).updateOrderStatus;
      expect(r).toMatchObject({ errors: [], order: { status: 'CANCELLED' } });
    }

    let synced = new Map(edited.map((o) => [o.id, sim.orders.get(o.id)!.status]));
    for (let round = 0; round < 3; round++) {
      // The storefront's own drift (new orders, others moved on), and 8 of the edited orders moved on after the edit.
      sim.drift({ fraction: 0, orders: { created: 3, updated: 4 } });
      for (const o of edited.slice(round * 8, round * 8 + 8)) sim.orders.setStatus(o.id, NEXT[sim.orders.get(o.id)!.status] ?? 'returned');
      const moved = edited.filter((o) => sim.orders.get(o.id)!.status !== synced.get(o.id)).length;
      expect(moved).toBeGreaterThanOrEqual(8);

      const run = await scheduledSync();
      expect(run.status).toBe('SUCCESS');
      const stored = await prisma().order.findMany({ where: { accountId, externalId: { in: edited.map((o) => String(o.id)) } } });
      const reverted = stored.filter((o) => o.status !== 'CANCELLED' || o.statusEditedAt === null).map((o) => `${o.externalId}: ${o.status}`);
      expect(reverted, `round ${round + 1}: edits put back by the sync`).toEqual([]);
      // What the storefront reports is still recorded beside the edit.
      expect(new Set(stored.map((o) => o.remoteOrderStatus))).not.toEqual(new Set(['CANCELLED']));
      expect(await countsOf(run.id), `round ${round + 1}`).toEqual({ conflictStrategy: 'LOCAL_PRIORITY', conflicts: moved, editsKept: moved, editsOverridden: 0, editsQueued: 0 });
      synced = new Map(edited.map((o) => [o.id, sim.orders.get(o.id)!.status]));
    }
    // The syncs did their other work: the orders the storefront placed meanwhile arrived.
    expect(await prisma().order.count({ where: { accountId } })).toBe(sim.orders.all().length);
  });
});
