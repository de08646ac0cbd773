/**
 * `stockline scheduler pause|resume|status` against a running service: real child processes,
 * checked by exit code, output and the database. The pause is the row every instance reads: a
 * scheduler instance started here (another "instance" of the service) fires nothing while paused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScheduler, type Scheduler } from '../../src/scheduler/scheduler.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { ERRORS } from '../helpers/catalog.js';
import { runCli } from './run-cli.js';

const CREATE_ACCOUNT = `mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } ${ERRORS} } }`;
const CREATE = `mutation($input: CreateScheduleInput!) { createSchedule(input: $input) { schedule { id nextFireAt } ${ERRORS} } }`;

let t: TestApp;
let other: Scheduler;
let env: Record<string, string>;
let viewerEnv: Record<string, string>;
let scheduleId: string;
const clock = { now: new Date() };

beforeAll(async () => {
  t = await startTestApp();
  // Another instance's scheduler, on the same database; time moves only through fireDue.
  other = await startScheduler(t.app.services, { timers: false, firstSync: false, now: () => clock.now });
  await t.app.services.prisma.schedule.updateMany({ data: { enabled: false, nextFireAt: null } });
  const account = dataOf(
    await t.gql(CREATE_ACCOUNT, { input: { channel: 'OZON', name: 'ozon', baseUrl: 'http://127.0.0.1:9', credentials: { clientId: '1', apiKey: 'k' }, enabled: true } }),
  ).createAccount;
  const made = dataOf(await t.gql(CREATE, { input: { accountId: account.account.id, intervalSeconds: 900, mode: 'INCREMENTAL', scope: 'ORDERS' } })).createSchedule;
  expect(made.errors).toEqual([]);
  scheduleId = made.schedule.id;
  env = { STOCKLINE_URL: t.url, STOCKLINE_TOKEN: await t.tokenFor('OPERATOR') };
  viewerEnv = { STOCKLINE_URL: t.url, STOCKLINE_TOKEN: await t.tokenFor('VIEWER') };
});

afterAll(async () => {
  await other?.stop();
  await t?.close();
});

const state = () => t.app.services.prisma.schedulerState.findUnique({ where: { id: 1 } });

describe('stockline scheduler', () => {
  it('status: running, and the next firings in order', async () => {
    const r = await runCli(['scheduler', 'status'], viewerEnv);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Scheduler: running$/m);
    expect(r.stdout).toMatch(/^Next runs:$/m);
    expect(r.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+in \d+ min\s+SYNC\s+ozon\s+INCREMENTAL\s+ORDERS\s+900 s$/m);
  });

  it('pause: stored for every instance, by whom; another instance fires nothing; status says PAUSED', async () => {
    const r = await runCli(['scheduler', 'pause'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Scheduler paused by test OPERATOR at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ: no instance fires schedules until `stockline scheduler resume`\.$/m);
    expect(await state()).toMatchObject({ paused: true, pausedBy: 'test OPERATOR' });

    const due = (await t.app.services.prisma.schedule.findUniqueOrThrow({ where: { id: scheduleId } })).nextFireAt!;
    clock.now = new Date(due.getTime() + 1000);
    expect(await other.fireDue()).toEqual([]);
    expect((await t.app.services.prisma.schedule.findUniqueOrThrow({ where: { id: scheduleId } })).lastFiredAt).toBeNull();

    const status = await runCli(['scheduler', 'status', '--json'], viewerEnv);
    expect(status.code).toBe(0);
    const json = JSON.parse(status.stdout);
    expect(json.scheduler).toMatchObject({ paused: true, pausedBy: 'test OPERATOR', pausedAt: expect.any(String) });
    expect(json.nextRuns).toEqual([expect.objectContaining({ id: scheduleId, kind: 'SYNC', intervalSeconds: 900, account: expect.objectContaining({ name: 'ozon' }) })]);
    const text = await runCli(['scheduler', 'status'], viewerEnv);
    expect(text.stdout).toMatch(/^Scheduler: PAUSED since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ by test OPERATOR$/m);

    // Pausing again keeps the first pause.
    const again = await runCli(['scheduler', 'pause'], env);
    expect(again.code).toBe(0);
    expect((await state())!.pausedAt).toEqual(json.scheduler.pausedAt && new Date(json.scheduler.pausedAt));
  });

  it('a VIEWER cannot pause or resume: exit 2 with the reason, nothing changes', async () => {
    for (const action of ['pause', 'resume']) {
      const before = await state();
      const r = await runCli(['scheduler', action], viewerEnv);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`Forbidden: your token's role \\(VIEWER\\) may not use Mutation\\.${action}Scheduler`));
      expect(await state()).toEqual(before);
    }
  });

  it('resume: every instance fires again, from the next slot', async () => {
    const r = await runCli(['scheduler', 'resume'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Scheduler running: schedules fire again; what was due while paused is skipped\.$/m);
    expect(await state()).toMatchObject({ paused: false, pausedBy: null, pausedAt: null });
    const next = (await t.app.services.prisma.schedule.findUniqueOrThrow({ where: { id: scheduleId } })).nextFireAt!;
    clock.now = new Date(next.getTime() + 1000);
    expect((await other.fireDue()).map((f) => f.scheduleId)).toEqual([scheduleId]);
    expect((await runCli(['scheduler', 'status'], viewerEnv)).stdout).toMatch(/^Scheduler: running$/m);
  });

  it('refuses an unknown action with a usage error', async () => {
    const r = await runCli(['scheduler', 'stop'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'stop'/);
  });
});
