/**
 * The scheduler with a controllable clock: schedulers here run without timers and time moves
 * only through `fireDue(at)`. Schedules are created and edited through the API; syncs they queue
 * are executed by the test app's own sync runner against a storefront simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaceScheduledHandlers, type Firing, type ScheduledHandler } from '../../src/scheduler/handlers.js';
import { startScheduler, type Scheduler, type SchedulerOptions } from '../../src/scheduler/scheduler.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, ERRORS } from '../helpers/catalog.js';
import { waitForRun } from '../helpers/sync.js';

const SCHEDULE = 'id key kind enabled cron intervalSeconds scope mode nextFireAt lastFiredAt lastError lastRun { id triggeredBy mode scope } account { id }';
const CREATE = `mutation($input: CreateScheduleInput!) { createSchedule(input: $input) { schedule { ${SCHEDULE} } ${ERRORS} } }`;
const UPDATE = `mutation($input: UpdateScheduleInput!) { updateSchedule(input: $input) { schedule { ${SCHEDULE} } ${ERRORS} } }`;
const PAUSE = `mutation { pauseScheduler { status { paused pausedBy pausedAt } ${ERRORS} } }`;
const RESUME = `mutation { resumeScheduler { status { paused pausedBy pausedAt } ${ERRORS} } }`;
const STATUS = `{ schedulerStatus { paused pausedBy pausedAt } }`;

let t: TestApp;
let sim: Simulator;
let accountId: string;
let operator: string;
let viewer: string;
const schedulers: Scheduler[] = [];
/** The fake clock every scheduler of this file reads. */
const clock = { now: new Date() };

const prisma = () => t.app.services.prisma;
const row = (id: string) => prisma().schedule.findUniqueOrThrow({ where: { id } });
const ms = (s: number) => s * 1000;
const plus = (d: Date, millis: number) => new Date(d.getTime() + millis);

async function scheduler(options: SchedulerOptions = {}) {
  const s = await startScheduler(t.app.services, { timers: false, firstSync: false, now: () => clock.now, ...options });
  schedulers.push(s);
  await disableDefaults();
  return s;
}

async function create(input: Record<string, unknown>): Promise<any> {
  const r = dataOf(await t.gql(CREATE, { input: { accountId, ...input } })).createSchedule;
  expect(r.errors).toEqual([]);
  return r.schedule;
}

/** Only schedules of this test fire: the defaults the scheduler created are switched off. */
async function disableDefaults() {
  await prisma().schedule.updateMany({ where: { NOT: { key: { startsWith: 'custom:' } } }, data: { enabled: false, nextFireAt: null } });
}

beforeAll(async () => {
  sim = await startFastSimulator('STOREFRONT', { offers: 30, seed: 11 });
  t = await startTestApp();
  accountId = await createSimAccount(t, sim, 'Scheduled storefront');
  operator = await t.tokenFor('OPERATOR');
  viewer = await t.tokenFor('VIEWER');
});

// Other modules register the statistics refresh when the schema loads; tests here replace it for a while.
const useStatsRefresh = (handler: ScheduledHandler) => replaceScheduledHandlers('STATS_REFRESH', [handler]);

afterAll(async () => {
  for (const s of schedulers) await s.stop();
  await t?.close();
  await sim?.stop();
});

describe('scheduler', () => {
  it('fires an interval schedule at its time, queues a run triggered by "scheduler", and advances exactly one interval', async () => {
    const s = await scheduler();
    const created = await create({ intervalSeconds: 60, mode: 'FULL', scope: 'PRODUCTS' });
    const first = new Date(created.nextFireAt);
    expect(Math.abs(first.getTime() - (Date.now() + ms(60)))).toBeLessThan(ms(5));

    expect(await s.fireDue(plus(first, -1))).toEqual([]);
    expect((await row(created.id)).nextFireAt).toEqual(first);

    const fired = await s.fireDue(plus(first, 40)); // a timer a little late
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ scheduleId: created.id, fireAt: first, nextFireAt: plus(first, ms(60)), error: null });
    const after = await row(created.id);
    expect(after).toMatchObject({ nextFireAt: plus(first, ms(60)), lastFiredAt: first, lastRunId: fired[0]!.runId, lastError: null });
    const run = await waitForRun(t, fired[0]!.runId!);
    expect(run).toMatchObject({ status: 'SUCCESS', mode: 'FULL', scope: 'PRODUCTS', account: { id: accountId } });
    expect((await prisma().syncRun.findUniqueOrThrow({ where: { id: run.id } })).triggeredBy).toBe('scheduler');

    // Same instant again: already claimed, nothing runs.
    expect(await s.fireDue(plus(first, 40))).toEqual([]);

    // The next slot: a new run, one more interval.
    const second = await s.fireDue(plus(first, ms(60)));
    expect(second.map((f) => f.fireAt)).toEqual([plus(first, ms(60))]);
    expect(second[0]!.runId).not.toBe(run.id);
    await waitForRun(t, second[0]!.runId!);
    expect((await row(created.id)).nextFireAt).toEqual(plus(first, ms(120)));

    // Visible through the API, with the run it queued.
    const listed = dataOf(await t.gql(`query($id: ID!) { schedule(id: $id) { ${SCHEDULE} } }`, { id: created.id }, viewer)).schedule;
    expect(listed).toMatchObject({ nextFireAt: plus(first, ms(120)).toISOString(), lastFiredAt: plus(first, ms(60)).toISOString(), lastRun: { id: second[0]!.runId, triggeredBy: 'scheduler', mode: 'FULL' } });

    // Every firing leaves a log row naming the slot and the instance.
    const logs = await prisma().syncLog.findMany({ where: { message: { startsWith: `schedule ${created.key} fired for` } }, orderBy: { createdAt: 'asc' } });
    expect(logs.map((l) => [l.message, (l.context as any).instanceId, l.accountId])).toEqual([
      [`schedule ${created.key} fired for ${first.toISOString()}`, s.instanceId, accountId],
      [`schedule ${created.key} fired for ${plus(first, ms(60)).toISOString()}`, s.instanceId, accountId],
    ]);
    await prisma().schedule.delete({ where: { id: created.id } });
  });

  it('fires a cron schedule on its minutes, in UTC', async () => {
    const s = await scheduler();
    const created = await create({ cron: '*/15 * * * *' });
    const first = new Date(created.nextFireAt);
    expect(first.getUTCMinutes() % 15).toBe(0);
    expect(first.getUTCSeconds()).toBe(0);
    expect(first.getTime()).toBeGreaterThan(Date.now());
    expect(first.getTime() - Date.now()).toBeLessThanOrEqual(ms(15 * 60));

    const fired = await s.fireDue(first);
    expect(fired.map((f) => [f.key, f.fireAt, f.nextFireAt])).toEqual([[created.key, first, plus(first, ms(15 * 60))]]);
    await waitForRun(t, fired[0]!.runId!);
    await prisma().schedule.delete({ where: { id: created.id } });
  });

  it('fires a missed window once, and next at the first slot after now', async () => {
    const s = await scheduler();
    const created = await create({ intervalSeconds: 60 });
    const first = new Date(created.nextFireAt);
    // The service was down for 5.5 intervals.
    const late = plus(first, ms(5 * 60 + 30));
    const fired = await s.fireDue(late);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ fireAt: first, nextFireAt: plus(first, ms(6 * 60)) });
    expect(await s.fireDue(late)).toEqual([]);
    expect(await row(created.id)).toMatchObject({ lastFiredAt: first, nextFireAt: plus(first, ms(6 * 60)) });
    expect(await prisma().syncLog.count({ where: { message: { startsWith: `schedule ${created.key} fired` } } })).toBe(1);
    await waitForRun(t, fired[0]!.runId!);
    await prisma().schedule.delete({ where: { id: created.id } });
  });

  it('a disabled schedule does not fire; enabled again, it next fires one interval from now', async () => {
    const s = await scheduler();
    const created = await create({ intervalSeconds: 120 });
    const off = dataOf(await t.gql(UPDATE, { input: { id: created.id, enabled: false } })).updateSchedule;
    expect(off).toMatchObject({ errors: [], schedule: { enabled: false, nextFireAt: null } });
    expect(await s.fireDue(plus(new Date(created.nextFireAt), ms(3600)))).toEqual([]);

    const before = Date.now();
    const on = dataOf(await t.gql(UPDATE, { input: { id: created.id, enabled: true } })).updateSchedule;
    expect(on.errors).toEqual([]);
    const next = new Date(on.schedule.nextFireAt).getTime();
    expect(next).toBeGreaterThanOrEqual(before + ms(120));
    expect(next).toBeLessThanOrEqual(Date.now() + ms(120));
    expect((await row(created.id)).lastFiredAt).toBeNull();
    await prisma().schedule.delete({ where: { id: created.id } });
  });

  it('a paused scheduler claims nothing on any instance; resumed, it skips what was due and fires at the next slot', async () => {
    const s = await scheduler();
    const created = await create({ intervalSeconds: 60 });
    // Due an hour ago (as if the pause had lasted that long).
    const due = new Date(Date.now() - ms(3600));
    await prisma().schedule.update({ where: { id: created.id }, data: { nextFireAt: due } });

    expect((await t.gql(PAUSE, {}, viewer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const paused = dataOf(await t.gql(PAUSE, {}, operator)).pauseScheduler;
    expect(paused).toMatchObject({ errors: [], status: { paused: true, pausedBy: 'test OPERATOR' } });
    expect(dataOf(await t.gql(STATUS, {}, viewer)).schedulerStatus).toEqual(paused.status);

    expect(await s.fireDue(new Date())).toEqual([]);
    const other = await scheduler();
    expect(await other.fireDue(new Date())).toEqual([]);
    expect(await row(created.id)).toMatchObject({ nextFireAt: due, lastFiredAt: null });

    const before = Date.now();
    const resumed = dataOf(await t.gql(RESUME, {}, operator)).resumeScheduler;
    expect(resumed).toEqual({ errors: [], status: { paused: false, pausedBy: null, pausedAt: null } });
    const next = (await row(created.id)).nextFireAt!;
    // On the schedule's grid (whole minutes after `due`), the first slot after the resume.
    expect((next.getTime() - due.getTime()) % ms(60)).toBe(0);
    expect(next.getTime()).toBeGreaterThan(before);
    expect(next.getTime()).toBeLessThanOrEqual(Date.now() + ms(60));
    expect(await s.fireDue(new Date())).toEqual([]);

    const fired = await s.fireDue(next);
    expect(fired.map((f) => f.fireAt)).toEqual([next]);
    await waitForRun(t, fired[0]!.runId!);
    await prisma().schedule.delete({ where: { id: created.id } });
  });

  it('several instances racing for the same firing: exactly one runs it', async () => {
    const instances = await Promise.all([scheduler(), scheduler(), scheduler(), scheduler()]);
    const created = await create({ intervalSeconds: 30 });
    const at = new Date(created.nextFireAt);
    const results = await Promise.all(instances.map((s) => s.fireDue(at)));
    expect(results.flat()).toHaveLength(1);
    const winner = instances[results.findIndex((r) => r.length === 1)]!;
    const logs = await prisma().syncLog.findMany({ where: { message: `schedule ${created.key} fired for ${at.toISOString()}` } });
    expect(logs.map((l) => (l.context as any).instanceId)).toEqual([winner.instanceId]);
    expect(await prisma().syncRun.count({ where: { id: results.flat()[0]!.runId! } })).toBe(1);
    await waitForRun(t, results.flat()[0]!.runId!);
    await prisma().schedule.delete({ where: { id: created.id } });
  });

  it('an account that is already syncing gets its running run back, and the schedule records it', async () => {
    const s = await scheduler();
    // A run in progress on some other instance (fresh heartbeat: this app's runner leaves it alone).
    const running = await prisma().syncRun.create({
      data: { accountId, activeKey: accountId, scope: 'ALL', mode: 'FULL', conflictStrategy: 'REMOTE_PRIORITY', status: 'RUNNING', ownerId: 'elsewhere', heartbeatAt: new Date(), startedAt: new Date(), triggeredBy: 'test' },
    });
    try {
      const a = await create({ intervalSeconds: 60 });
      const b = await create({ intervalSeconds: 60, mode: 'FULL' });
      const at = new Date(Math.max(new Date(a.nextFireAt).getTime(), new Date(b.nextFireAt).getTime()));
      const fired = await s.fireDue(at);
      expect(fired.map((f) => [f.scheduleId, f.runId, f.error]).sort()).toEqual(
        [
          [a.id, running.id, null],
          [b.id, running.id, null],
        ].sort(),
      );
      expect((await row(a.id)).lastRunId).toBe(running.id);
      expect((await row(b.id)).lastRunId).toBe(running.id);
      expect(await prisma().syncRun.count({ where: { accountId, createdAt: { gte: running.createdAt } } })).toBe(1);
      await prisma().schedule.deleteMany({ where: { id: { in: [a.id, b.id] } } });
    } finally {
      await prisma().syncRun.update({ where: { id: running.id }, data: { status: 'CANCELLED', activeKey: null, ownerId: null, finishedAt: new Date() } });
    }
  });

  it('STATS_REFRESH runs the handler another module registered, records its failure, and "no handler" without one', async () => {
    const s = await scheduler();
    const stats = await prisma().schedule.findUniqueOrThrow({ where: { key: 'stats-refresh' } });
    expect(stats).toMatchObject({ kind: 'STATS_REFRESH', intervalSeconds: 300, cron: null });
    const calls: Firing[] = [];
    let fail = false;
    const restore = useStatsRefresh(async (_services, firing) => {
      calls.push(firing);
      if (fail) throw new Error('statistics unavailable');
    });
    try {
      const at = new Date(Date.now() - ms(1));
      await prisma().schedule.update({ where: { id: stats.id }, data: { enabled: true, nextFireAt: at } });
      expect((await s.fireDue(new Date())).map((f) => [f.key, f.error])).toEqual([['stats-refresh', null]]);
      expect(calls).toEqual([expect.objectContaining({ scheduleId: stats.id, kind: 'STATS_REFRESH', fireAt: at })]);

      fail = true;
      const next = (await row(stats.id)).nextFireAt!;
      expect(next.getTime() - at.getTime()).toBe(ms(300));
      expect((await s.fireDue(next)).map((f) => f.error)).toEqual(['statistics unavailable']);
      expect((await row(stats.id)).lastError).toBe('statistics unavailable');
    } finally {
      restore();
    }
    const last = (await row(stats.id)).nextFireAt!;
    const restoreNone = replaceScheduledHandlers('STATS_REFRESH', []);
    try {
      expect((await s.fireDue(last)).map((f) => f.error)).toEqual(['no handler']);
    } finally {
      restoreNone();
    }
    expect(await row(stats.id)).toMatchObject({ lastError: 'no handler', lastFiredAt: last });
    expect(calls).toHaveLength(2);
    await prisma().schedule.update({ where: { id: stats.id }, data: { enabled: false, nextFireAt: null } });
  });

  it('a schedule of a disabled account waits, and fires once when the account is enabled again', async () => {
    const s = await scheduler();
    const created = await create({ intervalSeconds: 60 });
    const at = new Date(created.nextFireAt);
    await prisma().marketplaceAccount.update({ where: { id: accountId }, data: { enabled: false } });
    try {
      expect(await s.fireDue(plus(at, ms(600)))).toEqual([]);
    } finally {
      await prisma().marketplaceAccount.update({ where: { id: accountId }, data: { enabled: true } });
    }
    const fired = await s.fireDue(plus(at, ms(600)));
    expect(fired.map((f) => [f.fireAt, f.nextFireAt])).toEqual([[at, plus(at, ms(660))]]);
    await waitForRun(t, fired[0]!.runId!);
    await prisma().schedule.delete({ where: { id: created.id } });
  });

  it('stop() waits for the firing in progress and then claims nothing', async () => {
    const s = await scheduler();
    const stats = await prisma().schedule.findUniqueOrThrow({ where: { key: 'stats-refresh' } });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let finished = false;
    const restore = useStatsRefresh(async () => {
      entered();
      await gate;
      finished = true;
    });
    try {
      await prisma().schedule.update({ where: { id: stats.id }, data: { enabled: true, nextFireAt: new Date(Date.now() - 1) } });
      const firing = s.fireDue(new Date());
      // The firing is in progress once its handler runs (a stop before the claim rightly fires nothing).
      await Promise.race([inHandler, firing.then((fired) => Promise.reject(new Error(`the firing ended without running the handler: ${JSON.stringify(fired)}`)))]);
      let stopped = false;
      const stopping = s.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stopped).toBe(false);
      release();
      await stopping;
      expect(finished).toBe(true);
      expect((await firing).map((f) => f.key)).toEqual(['stats-refresh']);
      await prisma().schedule.update({ where: { id: stats.id }, data: { nextFireAt: new Date(Date.now() - 1) } });
      expect(await s.fireDue(new Date())).toEqual([]);
    } finally {
      restore();
      await prisma().schedule.update({ where: { id: stats.id }, data: { enabled: false, nextFireAt: null } });
    }
  });
});
