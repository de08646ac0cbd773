/**
 * The sync-progress client examples, run as a user would run them: a child process
 * (`node --import tsx client-examples/<file>.ts`) against the real service (HTTP + WebSocket)
 * syncing a simulated storefront.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { slowWebSocketProxy, type SlowWebSocketProxy } from '../helpers/slow-websocket-proxy.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLES = ['sync-progress-graphql-ws.ts', 'sync-progress-urql.ts', 'sync-progress-apollo.ts'];
const OFFERS = 500;
const PAGES = 5; // the storefront connector asks for 100 offers a page

let t: TestApp;
let sim: Simulator;
let operator: string;
let viewer: string;
let slow: SlowWebSocketProxy;

beforeAll(async () => {
  t = await startTestApp();
  sim = await startFastSimulator('STOREFRONT', { offers: OFFERS });
  operator = await t.tokenFor('OPERATOR');
  viewer = await t.tokenFor('VIEWER');
  slow = await slowWebSocketProxy(t.url, 1500);
});
afterAll(async () => {
  await slow?.close();
  await t?.close();
  await sim?.stop();
});

async function createAccount(name: string): Promise<string> {
  const { createAccount } = dataOf(
    await t.gql(`mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } errors { code message field } } }`, {
      input: { channel: 'STOREFRONT', name, baseUrl: sim.url, credentials: { token: sim.credentials.token }, rateLimits: sim.rateLimits },
    }),
  );
  expect(createAccount.errors).toEqual([]);
  return createAccount.account.id;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an example to its own exit; kills it (and fails) if it has not exited after `limitMs`. */
function runExample(file: string, env: Record<string, string>, limitMs = 45_000): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', join('client-examples', file)], {
    cwd: ROOT,
    env: { ...process.env, SYNC_TIMEOUT_MS: String(limitMs - 10_000), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} did not exit within ${limitMs} ms (a client or socket left open?)\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, limitMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `page 3/5  60.0%  created 300 updated 0 unchanged 0 failed 0  eta 0.4s  512 items/s` */
const PROGRESS_LINE = /^page (\d+)\/(\d+|\?)\s+(\d+(?:\.\d+)?)%\s+created (\d+) updated (\d+) unchanged (\d+) failed (\d+)\s+eta (?:\d+(?:\.\d+)?s|\?)\s+\d+ items\/s$/;

describe.each(EXAMPLES)('client-examples/%s', (file) => {
  it(`triggers a FULL sync, prints its progress page by page and exits 0 on SUCCESS`, async () => {
    const accountId = await createAccount(`example ${file}`);
    const run = await runExample(file, { STOCKLINE_URL: `${t.url}/graphql`, STOCKLINE_TOKEN: operator, STOCKLINE_ACCOUNT: accountId });
    const output = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
    expect(run.code, output).toBe(0);

    const lines = run.stdout.trim().split('\n');
    const progress = lines.filter((line) => line.startsWith('page ')).map((line) => {
      const match = PROGRESS_LINE.exec(line);
      expect(match, `not a progress line: ${line}`).not.toBeNull();
      return { pagesDone: Number(match![1]), pagesTotal: match![2], percent: Number(match![3]), failed: Number(match![7]) };
    });

    // The subscription opens with the run as it stands (pages done before it listened are in that
    // first line), then a line for every page after it, in order; percentages never go back and end at 100.
    const first = progress[0]?.pagesDone ?? PAGES;
    for (let page = first + 1; page <= PAGES; page++) expect(progress.some((p) => p.pagesDone === page), `no line for page ${page}\n${output}`).toBe(true);
    const pages = progress.map((p) => p.pagesDone);
    expect(pages, output).toEqual([...pages].sort((a, b) => a - b));
    const percents = progress.map((p) => p.percent);
    expect(percents, output).toEqual([...percents].sort((a, b) => a - b));
    expect(progress.at(-1), output).toEqual({ pagesDone: PAGES, pagesTotal: String(PAGES), percent: 100, failed: 0 });

    // The run it announced is the one that finished, and the database agrees.
    const runId = /^run (\S+): FULL PRODUCTS sync of /m.exec(run.stdout)?.[1];
    expect(runId, output).toBeDefined();
    expect(lines.at(-1)).toBe(`run ${runId} finished: SUCCESS`);
    const row = await t.app.services.prisma.syncRun.findUniqueOrThrow({ where: { id: runId! } });
    expect(row).toMatchObject({ accountId, status: 'SUCCESS', mode: 'FULL', scope: 'PRODUCTS' });
    expect(await t.app.services.prisma.listing.count({ where: { accountId } })).toBe(OFFERS);
  });

  it('follows the run to its end when its WebSocket is slower than its HTTP requests (1.5 s late), however fast the run', async () => {
    const accountId = await createAccount(`slow socket ${file}`);
    const run = await runExample(file, { STOCKLINE_URL: `${slow.url}/graphql`, STOCKLINE_TOKEN: operator, STOCKLINE_ACCOUNT: accountId }, 30_000);
    const output = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
    expect(run.code, output).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const runId = /^run (\S+): FULL PRODUCTS sync of /m.exec(run.stdout)?.[1];
    expect(lines.at(-1), output).toBe(`run ${runId} finished: SUCCESS`);
    expect(lines.at(-2), output).toMatch(new RegExp(`^page ${PAGES}/${PAGES}\\s+100\\.0%\\s+created ${OFFERS} `));
  });

  it('prints FORBIDDEN and exits 1 when the token may not trigger syncs (VIEWER)', async () => {
    const accountId = await createAccount(`viewer ${file}`);
    const run = await runExample(file, { STOCKLINE_URL: `${t.url}/graphql`, STOCKLINE_TOKEN: viewer, STOCKLINE_ACCOUNT: accountId });
    const output = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
    expect(run.code, output).toBe(1);
    expect(run.stderr, output).toMatch(/FORBIDDEN/);
    expect(run.stdout, output).not.toMatch(/finished:/);
    expect(await t.app.services.prisma.syncRun.count({ where: { accountId } })).toBe(0);
  });

  it("prints the payload's errors and exits 1 when the server refuses the run (unknown account)", async () => {
    const run = await runExample(file, { STOCKLINE_URL: `${t.url}/graphql`, STOCKLINE_TOKEN: operator, STOCKLINE_ACCOUNT: randomUUID() });
    const output = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
    expect(run.code, output).toBe(1);
    expect(run.stderr, output).toMatch(/triggerSync refused: NOT_FOUND: /);
    expect(run.stdout, output).not.toMatch(/finished:/);
  });
});
