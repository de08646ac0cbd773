import { execFile } from 'node:child_process';
/**
 * The stockline command against a running service (in-process, on a real port): every command is
 * a real child process (`node bin/stockline.js …`) with only the environment it needs, and its
 * exit code and output are what is checked. The tests run in order on one service: the syncs
 * first (their runs feed status, health and the report), staleness last (it moves the clock).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, ERRORS } from '../helpers/catalog.js';
import { baseEnv, ROOT, runCli } from './run-cli.js';
import { closedPort } from '../helpers/ports.js';

const OFFERS = 600; // 6 pages of 100: enough progress events to see the bar move

let t: TestApp;
let sim: Simulator;
let lockedSim: Simulator;
let shop: string;
let env: Record<string, string>;
let clockOffsetMs = 0;

beforeAll(async () => {
  [sim, lockedSim] = await Promise.all([
    // Latency per request makes a run last long enough for the CLI to see it in progress.
    startFastSimulator('STOREFRONT', { offers: OFFERS, seed: 7, faults: { latencyMs: 250 } }),
    startFastSimulator('STOREFRONT', { offers: 5, seed: 8, faults: { authFailure: true } }),
  ]);
  t = await startTestApp({}, { monitoring: { now: () => new Date(Date.now() + clockOffsetMs) } });
  shop = await createSimAccount(t, sim, 'shop');
  env = { STOCKLINE_URL: t.url, STOCKLINE_TOKEN: await t.tokenFor('OPERATOR') };
});

afterAll(async () => {
  await t?.close();
  await Promise.all([sim?.stop(), lockedSim?.stop()]);
});

/** "shop   45%  page 5/11 …" lines of one account, as [percent, pagesDone, pagesTotal]. */
function progressLines(stdout: string, name: string): number[][] {
  const re = new RegExp(`^${name}\\s+(\\d+)%\\s+page (\\d+)/(\\d+|\\?)`, 'gm');
  return [...stdout.matchAll(re)].map((m) => [Number(m[1]), Number(m[2]), m[3] === '?' ? NaN : Number(m[3])]);
}

describe('stockline sync', () => {
  it('syncs an account by name, printing increasing progress lines up to 100% and a SUCCESS summary; the data is stored', async () => {
    const r = await runCli(['sync', 'shop', '--full', '--scope', 'products'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = progressLines(r.stdout, 'shop');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const percents = lines.map(([p]) => p!);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);
    expect(percents.slice(0, -1).every((p) => p < 100)).toBe(true);
    expect(lines.at(-1)!.slice(1)).toEqual([6, 6]);
    expect(r.stdout).toMatch(new RegExp(`^shop\\s+SUCCESS\\s+FULL PRODUCTS\\s+created ${OFFERS}\\s+updated 0\\s+unchanged 0\\s+failed 0\\s+in \\d`, 'm'));
    expect(await t.app.services.prisma.listing.count({ where: { accountId: shop } })).toBe(OFFERS);
    // Never prints the token it was given.
    expect(r.stdout).not.toContain(env.STOCKLINE_TOKEN);
  });

  it('syncs every enabled account of a channel (any case), incrementally', async () => {
    const r = await runCli(['sync', 'storefront', '--incremental'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^shop\s+SUCCESS\s+INCREMENTAL ALL\s+created \d+\s+updated \d+\s+unchanged \d+\s+failed 0\s+in \d/m);
    expect(progressLines(r.stdout, 'shop').at(-1)![0]).toBe(100);
    const runs = await t.app.services.prisma.syncRun.findMany({ where: { accountId: shop }, orderBy: { createdAt: 'asc' } });
    expect(runs.map((run) => [run.mode, run.status])).toEqual([
      ['FULL', 'SUCCESS'],
      ['INCREMENTAL', 'SUCCESS'],
    ]);
  });

  it('refuses an unknown account and contradictory options with exit 2, queuing nothing', async () => {
    const unknown = await runCli(['sync', 'nowhere'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No account with the id or name "nowhere"\. Accounts: shop \(STOREFRONT\)/);
    const both = await runCli(['sync', 'shop', '--full', '--incremental'], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--full or --incremental, not both/);
    expect(await t.app.services.prisma.syncRun.count()).toBe(2);
  });
});

describe('stockline status', () => {
  const CREATE = `mutation($input: CreateScheduleInput!) { createSchedule(input: $input) { schedule { id nextFireAt } ${ERRORS} } }`;

  it('lists the scheduler state, the accounts with their last success, and the next runs in order', async () => {
    // The test service runs no scheduler: these only get a next fire time, nothing fires them.
    const made = [];
    for (const input of [
      { accountId: shop, intervalSeconds: 600, mode: 'INCREMENTAL', scope: 'PRODUCTS' },
      { accountId: shop, cron: '17 3 * * *', mode: 'FULL' },
    ]) {
      const r = dataOf(await t.gql(CREATE, { input })).createSchedule;
      expect(r.errors).toEqual([]);
      made.push(r.schedule);
    }

    const text = await runCli(['status'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Scheduler: running$/m);
    expect(text.stdout).toMatch(/^shop\s+STOREFRONT\s+yes\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(.*ago\)\s+SUCCESS\s+no\s+-$/m);
    expect(text.stdout).toMatch(/^Next runs:$/m);
    expect(text.stdout).toMatch(/SYNC\s+shop\s+INCREMENTAL\s+PRODUCTS\s+600 s$/m);
    expect(text.stdout).toMatch(/SYNC\s+shop\s+FULL\s+ALL\s+cron 17 3 \* \* \*$/m);

    dataOf(await t.gql('mutation { pauseScheduler { status { paused } errors { code } } }'));
    try {
      const json = await runCli(['status', '--json'], env);
      expect(json.code).toBe(0);
      const status = JSON.parse(json.stdout);
      expect(status.scheduler).toMatchObject({ paused: true, pausedBy: expect.any(String) });
      expect(status.accounts).toEqual([expect.objectContaining({ id: shop, name: 'shop', channel: 'STOREFRONT', enabled: true, stale: false, lastRunStatus: 'SUCCESS' })]);
      const next = status.nextRuns.map((s: any) => s.nextFireAt);
      expect(next).toEqual([...next].sort());
      expect(status.nextRuns.map((s: any) => s.id)).toEqual(expect.arrayContaining(made.map((s) => s.id)));
    } finally {
      dataOf(await t.gql('mutation { resumeScheduler { status { paused } errors { code } } }'));
    }
  });
});

describe('stockline health', () => {
  let viewerToken: string;
  it('exits 0 when every account is fresh, 2 with a wrong token or no service', async () => {
    viewerToken = await t.tokenFor('VIEWER');
    const ok = await runCli(['health'], { ...env, STOCKLINE_TOKEN: viewerToken });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Health: OK \(database up, 0 sync\(s\) in progress; stale after 120 min/m);

    const wrong = await runCli(['health', '--token', 'stk_not-a-real-token'], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/rejected the token: Unknown API token/);
    expect(wrong.stdout).toBe('');

    const closed = await closedPort();
    const none = await runCli(['health', '--url', `http://127.0.0.1:${closed}`], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`Cannot reach Stockline at http://127.0.0.1:${closed}: ECONNREFUSED`);
  });

  it('is what `npx stockline` runs (package.json bin), with the same exit code', async () => {
    const viaNpx = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile('npx', ['--no-install', 'stockline', 'health'], { cwd: ROOT, env: { ...baseEnv(), ...env, STOCKLINE_TOKEN: viewerToken } }, (error, stdout) =>
        resolve({ code: error ? Number(error.code) : 0, stdout }),
      ),
    );
    expect(viaNpx).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Health: OK/m) });
  });
});

describe('stockline report', () => {
  it('prints syncReport as JSON with the runs counted, and as a table; days out of range is the API error, exit 2', async () => {
    const json = await runCli(['report', '--days', '7', '--json'], env);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ days: 7, total: 2, successful: 2, failed: 0, inProgress: 0 });
    expect(report.accounts).toEqual([expect.objectContaining({ account: expect.objectContaining({ id: shop, name: 'shop' }), total: 2, successful: 2 })]);

    const text = await runCli(['report'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Sync runs of the last 7 day\(s\)/m);
    expect(text.stdout).toMatch(/^shop\s+STOREFRONT\s+2\s+2\s+0\s+0\s+0\s+0\s+/m);

    const zero = await runCli(['report', '--days', '0'], env);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/BAD_USER_INPUT \(DAYS_OUT_OF_RANGE\): days must be a whole number from 1 to 90; got 0/);
  });
});

describe('stockline accounts test', () => {
  it('exits 0 for an account the marketplace accepts and 1, with the reason, for one it rejects', async () => {
    const ok = await runCli(['accounts', 'test', 'shop'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim()).toBe('shop (STOREFRONT): ok');

    await createSimAccount(t, lockedSim, 'locked shop');
    const failed = await runCli(['accounts', 'test', 'Locked Shop'], env);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^locked shop \(STOREFRONT\): failed \[AUTH\]/);
  });
});

describe('stockline health on stale data', () => {
  it('exits 1 and names the stale account once its last success is older than the threshold', async () => {
    clockOffsetMs = 3 * 60 * 60_000; // three hours later: past STALE_AFTER_MINUTES (120)
    try {
      const text = await runCli(['health'], env);
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/^Health: DEGRADED/m);
      expect(text.stdout).toMatch(/^Stale accounts:\nACCOUNT.*\n(.*\n)*shop\s+STOREFRONT\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+3 h 0\d min\s+SUCCESS$/m);

      const json = await runCli(['health', '--json'], env);
      expect(json.code).toBe(1);
      const health = JSON.parse(json.stdout);
      expect(health.status).toBe('DEGRADED');
      expect(health.accounts.find((a: any) => a.account.id === shop)).toMatchObject({ stale: true, lastRunStatus: 'SUCCESS' });
    } finally {
      clockOffsetMs = 0;
    }
  });
});
