/**
 * Batch page benchmark: Stockline against PostGraphile 4 and hand-written direct SQL, in one run,
 * on one scratch database, in alternating rounds.
 *
 *   npx tsx bench/batches.bench.ts [seconds] [rounds] [connections]
 *
 * Creates a scratch PostgreSQL database (BENCH_DATABASE_URL names the server and the database to
 * connect to for CREATE/DROP; default postgres://postgres@127.0.0.1:5432/postgres), migrates it,
 * seeds 500 batches over 10 work centers with 5 units each, and starts three servers, each in a
 * process of its own:
 *
 *  - Stockline (`node --import tsx src/main.ts`, NODE_ENV=production, ROLE=api) answering
 *    `batches(first: 100, orderBy: BATCH_DATE DESC) { totalCount edges { node { … workCenter {
 *    identifier } units(first: 10) { totalCount edges { node { code } } } } } }` with an ADMIN token;
 *  - PostGraphile 4 (bench/peers/postgraphile.server.js) answering the same page as
 *    `allBatches(first: 100, orderBy: [BATCH_DATE_DESC, ID_DESC]) { totalCount nodes { …
 *    workCenterByWorkCenterId { identifier } unitsByBatchId(first: 10, orderBy: [CREATED_AT_ASC,
 *    ID_ASC]) { totalCount nodes { code } } } }` (the tie-breaks make its page Stockline's);
 *  - direct SQL (bench/peers/direct-sql.server.js): hand-written pg queries shaped into the same JSON.
 *
 * PostGraphile needs graphql 15, so bench/peers has its own package.json and lockfile; it is
 * installed on first use (bench/load-generator.ts, which also loads autocannon from there). The three
 * answers are checked to be the same page before anything is measured. Then autocannon drives each
 * with `connections` (default 8) for `seconds` (default 5) per round, `rounds` (default 3) rounds,
 * the order rotating every round, after a warm-up of each. Prints req/s and p99 (mean of the
 * rounds) of each, the CPU time each server process spent per request (from /proc, Linux; it
 * depends less on the machine's load than req/s), Stockline's ratios to both, the load average,
 * and a JSON line. Nothing is asserted on timing. BENCH_CPU_PROF=<dir> runs Stockline with
 * --cpu-prof into that directory.
 *
 * Caveats: autocannon shares the machine's cores with the server it measures (each server idles
 * while another is measured); Stockline checks a token on each request (cached), PostGraphile and
 * the direct SQL server have no authentication.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { autocannon } from './load-generator.js';
import { closedPort } from '../tests/helpers/ports.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-db.js';
import { BATCHES, migrateAndSeed, PAGE, STOCKLINE_QUERY, UNITS_PAGE, UNITS_PER_BATCH, WORK_CENTERS } from './batches.data.js';

const SECONDS = Number(process.argv[2] ?? 5);
const ROUNDS = Number(process.argv[3] ?? 3);
const CONNECTIONS = Number(process.argv[4] ?? 8);
const WARMUP_SECONDS = 2;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PEERS = join(ROOT, 'bench', 'peers');

const POSTGRAPHILE_QUERY = /* GraphQL */ `
  query BenchBatches {
    allBatches(first: ${PAGE}, orderBy: [BATCH_DATE_DESC, ID_DESC]) {
      totalCount
      nodes {
        id
        batchNumber
        batchDate
        workCenterByWorkCenterId { identifier }
        unitsByBatchId(first: ${UNITS_PAGE}, orderBy: [CREATED_AT_ASC, ID_ASC]) { totalCount nodes { code } }
      }
    }
  }
`;

type BatchPage = {
  totalCount: number;
  edges: Array<{
    node: {
      id: string;
      batchNumber: number;
      batchDate: string;
      workCenter: { identifier: string };
      units: { totalCount: number; edges: Array<{ node: { code: string } }> };
    };
  }>;
};

type PostGraphilePage = {
  totalCount: number;
  nodes: Array<{
    id: string;
    batchNumber: number;
    batchDate: string;
    workCenterByWorkCenterId: { identifier: string };
    unitsByBatchId: { totalCount: number; nodes: Array<{ code: string }> };
  }>;
};

interface Target {
  name: 'stockline' | 'postgraphile' | 'directSql';
  /** The server's process, whose CPU time is read around each round. */
  process: ChildProcess;
  url: string;
  body: string;
  headers: Record<string, string>;
  /** The answer as Stockline's page, to compare. */
  page(body: unknown): BatchPage;
}

interface Round {
  rps: number;
  p99: number;
  /** CPU time of the server process per answered request (Linux /proc), null elsewhere. */
  cpuMs: number | null;
}

/** User + system CPU time of a process in ms, from /proc (Linux); null elsewhere. */
function cpuTime(pid: number | undefined): number | null {
  try {
    // Fields 14 and 15 (utime, stime) in clock ticks, counted after the command name in parentheses.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = 100;

/** Ctrl-C / SIGTERM: the current round ends, then everything is cleaned up. */
const stopSignal = new AbortController();
class Interrupted extends Error {}
const onSignal = () => {
  console.error('\ninterrupted: cleaning up…');
  stopSignal.abort();
};
function checkpoint(): void {
  if (stopSignal.signal.aborted) throw new Interrupted('interrupted');
}
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

/** Starts a server process and waits until `ready` answers; its output goes to ours, prefixed. */
async function startServer(name: string, args: string[], env: Record<string, string>, readyUrl: string, children: ChildProcess[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const prefix = (chunk: Buffer) => String(chunk).trimEnd().split('\n').map((line) => `  [${name}] ${line}`).join('\n');
  child.stdout!.on('data', (chunk: Buffer) => console.log(prefix(chunk)));
  child.stderr!.on('data', (chunk: Buffer) => console.error(prefix(chunk)));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    checkpoint();
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} while starting`);
    const up = await fetch(readyUrl).then((r) => r.status < 500, () => false);
    if (up) return child;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} did not start within 60 s`);
}

async function stopServers(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

async function answer(target: Target): Promise<BatchPage> {
  const response = await fetch(target.url, { method: 'POST', headers: target.headers, body: target.body });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${target.name}: HTTP ${response.status}: ${text.slice(0, 500)}`);
  const body = JSON.parse(text) as { data?: unknown; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`${target.name}: errors ${JSON.stringify(body.errors).slice(0, 500)}`);
  return target.page(body.data);
}

/** All three must answer the same page, or the comparison is meaningless. */
async function checkSame(targets: Target[]): Promise<void> {
  const [first, ...others] = await Promise.all(targets.map(async (t) => ({ name: t.name, page: await answer(t) })));
  if (first!.page.edges.length !== PAGE || first!.page.totalCount !== BATCHES) throw new Error(`unexpected page: ${first!.page.edges.length} of ${first!.page.totalCount}`);
  const expected = JSON.stringify(first!.page);
  for (const other of others) {
    const actual = JSON.stringify(other.page);
    if (actual !== expected) throw new Error(`${first!.name} and ${other.name} disagree:\n  ${expected.slice(0, 300)}…\n  ${actual.slice(0, 300)}…`);
  }
}

async function load(target: Target, seconds: number): Promise<Round> {
  const cpuBefore = cpuTime(target.process.pid);
  const result = await autocannon({ url: target.url, method: 'POST', connections: CONNECTIONS, duration: seconds, body: target.body, headers: target.headers });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${target.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  const cpuAfter = cpuTime(target.process.pid);
  const cpuMs = cpuBefore === null || cpuAfter === null || result.requests.total === 0 ? null : Math.round(((cpuAfter - cpuBefore) / result.requests.total) * 100) / 100;
  return { rps: result.requests.average, p99: result.latency.p99, cpuMs };
}

const mean = (rounds: Round[]) => ({
  rps: Math.round((rounds.reduce((sum, r) => sum + r.rps, 0) / rounds.length) * 10) / 10,
  p99: Math.round(rounds.reduce((sum, r) => sum + r.p99, 0) / rounds.length),
  cpuMs: rounds.some((r) => r.cpuMs === null) ? null : Math.round((rounds.reduce((sum, r) => sum + r.cpuMs!, 0) / rounds.length) * 100) / 100,
});

async function main(): Promise<void> {
  if (!(SECONDS > 0) || !(ROUNDS >= 1) || !(CONNECTIONS >= 1)) throw new Error('usage: npx tsx bench/batches.bench.ts [seconds>0] [rounds>=1] [connections>=1]');
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const children: ChildProcess[] = [];
  let scratch: ScratchDatabase | undefined;
  try {
    checkpoint();
    scratch = await createScratchDatabase(adminUrl);
    const seedStarted = performance.now();
    await migrateAndSeed(scratch.url);
    console.log(`seeded ${WORK_CENTERS} work centers, ${BATCHES} batches, ${BATCHES * UNITS_PER_BATCH} units in ${Math.round(performance.now() - seedStarted)} ms`);

    const token = `bench-${randomBytes(24).toString('hex')}`;
    const [stocklinePort, postgraphilePort, directPort] = [await closedPort(), await closedPort(), await closedPort()];
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    const [stocklineProcess, postgraphileProcess, directProcess] = await Promise.all([
      startServer(
        'stockline',
        [...profile, '--import', 'tsx', 'src/main.ts'],
        {
          NODE_ENV: 'production',
          ROLE: 'api',
          DATABASE_URL: scratch.url,
          PORT: String(stocklinePort),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          SANDBOX: 'false',
          MIGRATE_ON_START: 'false',
          ADMIN_TOKEN: token,
          CREDENTIALS_KEY: randomBytes(32).toString('base64'),
          API_RATE_LIMIT_PER_MINUTE: '100000000',
        },
        `http://127.0.0.1:${stocklinePort}/readyz`,
        children,
      ),
      startServer('postgraphile', [join(PEERS, 'postgraphile.server.js')], { DATABASE_URL: scratch.url, PORT: String(postgraphilePort) }, `http://127.0.0.1:${postgraphilePort}/graphql`, children),
      startServer(
        'direct SQL',
        [join(PEERS, 'direct-sql.server.js')],
        { DATABASE_URL: scratch.url, PORT: String(directPort), PAGE: String(PAGE), UNITS_PAGE: String(UNITS_PAGE) },
        `http://127.0.0.1:${directPort}/`,
        children,
      ),
    ]);

    const json = { 'content-type': 'application/json', accept: 'application/json' };
    const targets: Target[] = [
      {
        name: 'stockline',
        process: stocklineProcess,
        url: `http://127.0.0.1:${stocklinePort}/graphql`,
        body: JSON.stringify({ query: STOCKLINE_QUERY }),
        headers: { ...json, authorization: `Bearer ${token}` },
        page: (data) => (data as { batches: BatchPage }).batches,
      },
      {
        name: 'postgraphile',
        process: postgraphileProcess,
        url: `http://127.0.0.1:${postgraphilePort}/graphql`,
        body: JSON.stringify({ query: POSTGRAPHILE_QUERY }),
        headers: json,
        page: (data) => {
          const { totalCount, nodes } = (data as { allBatches: PostGraphilePage }).allBatches;
          return {
            totalCount,
            edges: nodes.map((n) => ({
              node: {
                id: n.id,
                batchNumber: n.batchNumber,
                batchDate: n.batchDate,
                workCenter: { identifier: n.workCenterByWorkCenterId.identifier },
                units: { totalCount: n.unitsByBatchId.totalCount, edges: n.unitsByBatchId.nodes.map((u) => ({ node: { code: u.code } })) },
              },
            })),
          };
        },
      },
      { name: 'directSql', process: directProcess, url: `http://127.0.0.1:${directPort}/`, body: '{}', headers: json, page: (data) => (data as { batches: BatchPage }).batches },
    ];
    await checkSame(targets);
    checkpoint();

    console.log(`warming up ${WARMUP_SECONDS} s each, then ${ROUNDS} rounds of ${SECONDS} s each, ${CONNECTIONS} connections (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}):`);
    for (const target of targets) await load(target, WARMUP_SECONDS);
    const rounds = new Map<Target['name'], Round[]>(targets.map((t) => [t.name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      // Rotate the order so no server always runs first (or right after the heaviest one).
      for (let i = 0; i < targets.length; i++) {
        checkpoint();
        const target = targets[(r + i) % targets.length]!;
        const round = await load(target, SECONDS);
        rounds.get(target.name)!.push(round);
        console.log(`  round ${r + 1} ${target.name.padEnd(12)} ${round.rps.toFixed(1).padStart(8)} req/s  p99 ${round.p99} ms  cpu ${round.cpuMs ?? '?'} ms/request`);
      }
    }
    const stockline = mean(rounds.get('stockline')!);
    const postgraphile = mean(rounds.get('postgraphile')!);
    const directSql = mean(rounds.get('directSql')!);
    const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
    const ratios = { postgraphile: ratio(stockline.rps, postgraphile.rps), directSql: ratio(stockline.rps, directSql.rps) };
    const load1 = loadavg().map((l) => Math.round(l * 100) / 100);
    console.log(
      `\nbatch page (${PAGE} batches + work center + ${UNITS_PAGE} units, totalCounts), ${CONNECTIONS} connections, ${ROUNDS} × ${SECONDS} s:\n` +
        `  stockline     ${String(stockline.rps).padStart(8)} req/s  p99 ${stockline.p99} ms  server cpu ${stockline.cpuMs ?? '?'} ms/request\n` +
        `  postgraphile  ${String(postgraphile.rps).padStart(8)} req/s  p99 ${postgraphile.p99} ms  server cpu ${postgraphile.cpuMs ?? '?'} ms/request\n` +
        `  direct SQL    ${String(directSql.rps).padStart(8)} req/s  p99 ${directSql.p99} ms  server cpu ${directSql.cpuMs ?? '?'} ms/request\n` +
        `  stockline / postgraphile = ${ratios.postgraphile.toFixed(3)} (target ≥ 1.0), stockline / direct SQL = ${ratios.directSql.toFixed(3)} (target ≥ 0.5); load average ${load1.join(' ')}`,
    );
    console.log(
      JSON.stringify({
        bench: 'batches',
        data: { workCenters: WORK_CENTERS, batches: BATCHES, unitsPerBatch: UNITS_PER_BATCH },
        connections: CONNECTIONS,
        seconds: SECONDS,
        rounds: ROUNDS,
        stockline,
        postgraphile,
        directSql,
        ratios,
        loadAverage: load1,
      }),
    );
  } finally {
    // Each step runs even when an earlier one fails; the database goes last.
    await stopServers(children).catch((error: unknown) => console.error('stopping the servers failed:', error));
    await scratch?.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof Interrupted) process.exit(130);
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
