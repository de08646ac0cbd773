/**
 * Soak benchmark (issue 12, finding 8): does the service degrade fairly under overload?
 *
 *   npx tsx bench/soak.bench.ts [seconds] [pglite|postgres|both]
 *
 * `seconds` (default 300) is the loaded phase per database; the second argument picks the
 * database (default both). BENCH_DATABASE_URL names the PostgreSQL server and the database to
 * connect to for CREATE/DROP (default postgres://postgres@127.0.0.1:5432/postgres).
 *
 * For each database: a fresh database (a temporary DATA_DIR for PGlite, a scratch database for
 * PostgreSQL) is migrated and seeded from this process (500 batches × 5 units over 10 work
 * centers), then the real service starts as a child process (`node --import tsx src/main.ts`,
 * NODE_ENV=production ROLE=all, the sandbox simulators on, rate limit out of reach) and a FULL
 * sync of every sandbox account fills the products and orders. Then, with autocannon:
 *
 *  1. unloaded: each stream alone, 4 connections, a few seconds (the baseline of this run);
 *  2. loaded: 200 connections for `seconds`, 50 on each stream at once: the batch page
 *     (`batches(first: 100)` with work centers and 10 units each), the products page, the
 *     orders page and `{ __typename }`; a FULL sync of every account triggered every 30 s and
 *     /healthz and /readyz probed every second, each timed by a client of its own.
 *
 * Prints per stream: goodput (200 answers without GraphQL errors, per second), its share of all
 * goodput, p99 of the 200 answers, shed share (503 answers), client timeouts (10 s), other
 * errors; the unloaded goodput and p99 beside them; the sync triggers' and probes' latencies;
 * then the targets (each stream ≥ 15% of the goodput, 0 client timeouts, every trigger answered
 * within 2 s) as met or missed. Nothing is asserted; the exit code is 1 only when the bench
 * itself broke. The child, the data directory and the scratch database are removed on success,
 * on error and on Ctrl-C.
 *
 * Caveat: the load generator, the service and (for PostgreSQL) the database share this machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { autocannon } from './load-generator.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-db.js';

const SECONDS = Number(process.argv[2] ?? 300);
const WHICH = (process.argv[3] ?? 'both') as 'pglite' | 'postgres' | 'both';
const CONNECTIONS_PER_STREAM = 50;
const UNLOADED_CONNECTIONS = 4;
const UNLOADED_SECONDS = Math.min(10, Math.max(3, Math.round(SECONDS / 12)));
const CLIENT_TIMEOUT_S = 10;
const TRIGGER_EVERY_MS = 30_000;
const TARGET_SHARE = 0.15;
const TARGET_TRIGGER_MS = 2000;
const ROOT = join(import.meta.dirname, '..');

if (!Number.isFinite(SECONDS) || SECONDS < 5) throw new Error(`seconds must be a number ≥ 5, got ${process.argv[2]}`);
if (!['pglite', 'postgres', 'both'].includes(WHICH)) throw new Error(`database must be pglite, postgres or both, got ${WHICH}`);

const STREAMS = {
  batches: /* GraphQL */ `query SoakBatches { batches(first: 100, orderBy: { field: BATCH_DATE, direction: DESC }) { totalCount edges { node { id batchNumber batchDate workCenter { identifier } units(first: 10) { totalCount edges { node { code } } } } } } }`,
  products: /* GraphQL */ `query SoakProducts { products(first: 50, orderBy: { field: UPDATED_AT, direction: DESC }) { totalCount edges { node { id sku name totalStock listingCount updatedAt } } } }`,
  orders: /* GraphQL */ `query SoakOrders { orders(first: 50, orderBy: { field: PLACED_AT, direction: DESC }) { totalCount edges { node { id externalId channel status total currency placedAt itemCount account { name } } } } }`,
  typename: `{ __typename }`,
} as const;
type StreamName = keyof typeof STREAMS;
const TRIGGER = /* GraphQL */ `mutation SoakTrigger { triggerSync(input: { mode: FULL }) { runs { id status } errors { __typename } } }`;

const stopSignal = new AbortController();
class Interrupted extends Error {}
const checkpoint = () => {
  if (stopSignal.signal.aborted) throw new Interrupted('interrupted');
};
const running = new Set<{ stop(): void }>();
process.once('SIGINT', () => {
  console.error('\ninterrupted: stopping the load, then cleaning up…');
  stopSignal.abort();
  for (const r of running) r.stop();
});

// ---------------------------------------------------------------------------------------------
// Data and service.

async function seedBatches(db: Database): Promise<void> {
  const prisma = db.prisma;
  const workCenters = Array.from({ length: 10 }, (_, i) => ({ id: randomUUID(), identifier: `WC-${String(i + 1).padStart(2, '0')}`, name: `Work center ${i + 1}` }));
  await prisma.workCenter.createMany({ data: workCenters });
  const firstDay = Date.UTC(2025, 0, 1);
  const batches = Array.from({ length: 500 }, (_, i) => {
    const day = new Date(firstDay + Math.floor(i / 5) * 86_400_000);
    const shiftStart = new Date(day.getTime() + (6 + (i % 5) * 3) * 3_600_000);
    return {
      id: randomUUID(),
      taskDescription: `Soak task ${i + 1}`,
      shift: `S${(i % 3) + 1}`,
      team: `Team ${(i % 7) + 1}`,
      batchNumber: (i % 5) + 1,
      batchDate: day,
      nomenclature: `Product ${(i % 25) + 1}`,
      eknCode: `EKN-${String((i % 40) + 1).padStart(4, '0')}`,
      shiftStart,
      shiftEnd: new Date(shiftStart.getTime() + 8 * 3_600_000),
      workCenterId: workCenters[i % 10]!.id,
      closed: i % 4 === 0,
      closedAt: i % 4 === 0 ? new Date(shiftStart.getTime() + 9 * 3_600_000) : null,
    };
  });
  await prisma.batch.createMany({ data: batches });
  await prisma.unit.createMany({
    data: batches.flatMap((batch, b) =>
      Array.from({ length: 5 }, (_, u) => ({ id: randomUUID(), code: `U-${String(b + 1).padStart(4, '0')}-${u + 1}`, batchId: batch.id, aggregated: u === 0, aggregatedAt: u === 0 ? new Date() : null })),
    ),
  });
  await prisma.$executeRawUnsafe('ANALYZE "WorkCenter", "Batch", "Unit"');
}

interface Service {
  url: string;
  proc: ChildProcess;
  tail(): string;
  stop(): Promise<void>;
}

async function startService(dbEnv: Record<string, string>, adminToken: string): Promise<Service> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    ROLE: 'all',
    SANDBOX: 'true',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ADMIN_TOKEN: adminToken,
    CREDENTIALS_KEY: randomBytes(32).toString('base64'),
    API_RATE_LIMIT_PER_MINUTE: '100000000',
    SCHEDULER_ENABLED: 'false',
    ...dbEnv,
  };
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (chunk: Buffer) => void (out = (out + chunk.toString()).slice(-20_000));
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start within 120 s:\n${out}`)), 120_000);
    const check = () => {
      const m = /"url":"(http:\/\/[^"]+)\/graphql"[^\n]*"msg":"Stockline is listening"/.exec(out);
      if (m) {
        clearTimeout(timer);
        proc.stdout!.off('data', check);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => reject(new Error(`service exited (${code}) while starting:\n${out}`)));
  });
  return {
    url,
    proc,
    tail: () => out.slice(-3000),
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function gql(url: string, token: string, query: string, timeoutMs = 30_000): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body };
}

/** A FULL sync of every account, waited for, so the products and orders pages have rows. */
async function initialSync(url: string, token: string): Promise<void> {
  const started = performance.now();
  const { status, body } = await gql(url, token, TRIGGER);
  if (status !== 200 || body.errors) throw new Error(`triggerSync failed: ${status} ${JSON.stringify(body).slice(0, 500)}`);
  const ids: string[] = body.data.triggerSync.runs.map((r: { id: string }) => r.id);
  for (;;) {
    checkpoint();
    const poll = await gql(url, token, `{ syncRuns(first: 100) { edges { node { id status } } } }`);
    const mine = poll.body.data.syncRuns.edges.map((e: any) => e.node).filter((n: any) => ids.includes(n.id));
    if (mine.length === ids.length && mine.every((n: any) => ['SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED'].includes(n.status))) {
      const counts = await gql(url, token, `{ products(first: 1) { totalCount } orders(first: 1) { totalCount } }`);
      console.log(
        `  initial FULL sync of ${ids.length} accounts: ${mine.map((n: any) => n.status).join(', ')} in ${Math.round(performance.now() - started)} ms; ` +
          `${counts.body.data.products.totalCount} products, ${counts.body.data.orders.totalCount} orders`,
      );
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

// ---------------------------------------------------------------------------------------------
// Load.

interface StreamResult {
  good: number;
  graphqlErrors: number;
  shed: number;
  otherStatus: number;
  timeouts: number;
  errors: number;
  seconds: number;
  latencies: number[];
}

function stream(url: string, token: string, name: StreamName, connections: number, seconds: number): Promise<StreamResult> {
  const result: StreamResult = { good: 0, graphqlErrors: 0, shed: 0, otherStatus: 0, timeouts: 0, errors: 0, seconds, latencies: [] };
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/graphql`,
        connections,
        duration: seconds,
        timeout: CLIENT_TIMEOUT_S,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: STREAMS[name] }),
        requests: [
          {
            onResponse(status: number, body: string) {
              if (status === 200) {
                if (body.includes('"errors"')) result.graphqlErrors++;
                else result.good++;
              } else if (status === 503) result.shed++;
              else result.otherStatus++;
            },
          },
        ],
      },
      (error, summary) => {
        running.delete(instance);
        if (error) return reject(error);
        result.timeouts = summary.timeouts;
        result.errors = summary.errors - summary.timeouts;
        result.seconds = summary.duration;
        resolve(result);
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode === 200) result.latencies.push(responseTime);
    });
    running.add(instance);
  });
}

function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Calls `fn` every `everyMs` until stopped; records each call's latency (or its failure). */
function periodic(everyMs: number, fn: () => Promise<boolean>) {
  const samples: Array<{ ms: number; ok: boolean }> = [];
  const pending = new Set<Promise<void>>();
  const tick = () => {
    const started = performance.now();
    const p = fn().then(
      (ok) => void samples.push({ ms: performance.now() - started, ok }),
      () => void samples.push({ ms: performance.now() - started, ok: false }),
    );
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  const timer = setInterval(tick, everyMs);
  return {
    samples,
    start: tick,
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
    },
  };
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n)} ms` : '-');
const pct = (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(1)}%` : '-');

async function soak(kind: 'pglite' | 'postgres'): Promise<boolean> {
  console.log(`\n=== ${kind} ===`);
  const token = randomBytes(24).toString('base64url');
  let dataDir: string | undefined;
  let scratch: ScratchDatabase | undefined;
  let service: Service | undefined;
  try {
    let dbEnv: Record<string, string>;
    let db: Database;
    if (kind === 'pglite') {
      dataDir = await mkdtemp(join(tmpdir(), 'stockline-soak-'));
      db = await openDatabase({ dataDir });
      dbEnv = { DATA_DIR: dataDir };
    } else {
      scratch = await createScratchDatabase(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
      db = await openDatabase({ url: scratch.url, dataDir: 'memory://' });
      dbEnv = { DATABASE_URL: scratch.url, DATA_DIR: (dataDir = await mkdtemp(join(tmpdir(), 'stockline-soak-'))), MIGRATE_ON_START: 'true' };
    }
    try {
      await db.migrate();
      await seedBatches(db);
    } finally {
      await db.close();
    }
    checkpoint();
    service = await startService(dbEnv, token);
    console.log(`  service ${service.url} (pid ${service.proc.pid}), seeded 500 batches × 5 units over 10 work centers`);
    await initialSync(service.url, token);
    checkpoint();

    const names = Object.keys(STREAMS) as StreamName[];
    const unloaded = {} as Record<StreamName, StreamResult>;
    for (const name of names) {
      checkpoint();
      unloaded[name] = await stream(service.url, token, name, UNLOADED_CONNECTIONS, UNLOADED_SECONDS);
    }
    checkpoint();

    console.log(`  loaded: ${names.length} × ${CONNECTIONS_PER_STREAM} connections for ${SECONDS} s, FULL sync of every account every ${TRIGGER_EVERY_MS / 1000} s …`);
    const url = service.url;
    const triggers = periodic(TRIGGER_EVERY_MS, async () => {
      const r = await gql(url, token, TRIGGER, 60_000);
      return r.status === 200 && !r.body.errors;
    });
    const healthz = periodic(1000, async () => (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(30_000) })).status === 200);
    const readyz = periodic(1000, async () => (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(30_000) })).status === 200);
    const loadedPromise = Promise.all(names.map((name) => stream(url, token, name, CONNECTIONS_PER_STREAM, SECONDS)));
    // The first trigger a few seconds in, once the load has built up.
    const firstTrigger = setTimeout(() => triggers.start(), 3000);
    healthz.start();
    readyz.start();
    const results = await loadedPromise;
    clearTimeout(firstTrigger);
    await Promise.all([triggers.stop(), healthz.stop(), readyz.stop()]);
    const loaded = Object.fromEntries(names.map((n, i) => [n, results[i]!])) as Record<StreamName, StreamResult>;

    const totalGood = names.reduce((s, n) => s + loaded[n].good, 0);
    console.log(
      `  ${'stream'.padEnd(9)} ${'goodput/s'.padStart(10)} ${'share'.padStart(7)} ${'p99'.padStart(9)} ${'shed'.padStart(7)} ${'timeouts'.padStart(9)} ${'errors'.padStart(7)} │ ${'unloaded/s'.padStart(10)} ${'p99'.padStart(8)} │ loaded÷unloaded`,
    );
    let starved = false;
    let timeouts = 0;
    for (const n of names) {
      const l = loaded[n];
      const u = unloaded[n];
      const answered = l.good + l.graphqlErrors + l.shed + l.otherStatus;
      const share = totalGood ? l.good / totalGood : 0;
      if (share < TARGET_SHARE) starved = true;
      timeouts += l.timeouts;
      console.log(
        `  ${n.padEnd(9)} ${f1(l.good / l.seconds).padStart(10)} ${pct(share).padStart(7)} ${ms(percentile(l.latencies, 99)).padStart(9)} ${pct(answered ? l.shed / answered : NaN).padStart(7)} ` +
          `${String(l.timeouts).padStart(9)} ${String(l.errors + l.otherStatus + l.graphqlErrors).padStart(7)} │ ${f1(u.good / u.seconds).padStart(10)} ${ms(percentile(u.latencies, 99)).padStart(8)} │ ` +
          `${f1(l.good / l.seconds / (u.good / u.seconds))}× goodput, ${f1(percentile(l.latencies, 99) / percentile(u.latencies, 99))}× p99`,
      );
      if (u.timeouts || u.errors || u.otherStatus || u.graphqlErrors || u.shed) console.log(`    (unloaded ${n}: ${u.timeouts} timeouts, ${u.errors} errors, ${u.otherStatus} other status, ${u.graphqlErrors} GraphQL errors, ${u.shed} shed)`);
    }
    console.log(`  total goodput ${f1(totalGood / SECONDS)}/s`);
    const describe = (label: string, samples: Array<{ ms: number; ok: boolean }>) =>
      console.log(
        `  ${label.padEnd(9)} ${samples.length} calls, ${samples.filter((s) => !s.ok).length} failed; latencies max ${ms(Math.max(...samples.map((s) => s.ms)))}, p99 ${ms(percentile(samples.map((s) => s.ms), 99))}` +
          (label === 'triggers' ? `: ${samples.map((s) => Math.round(s.ms)).join(', ')} ms` : ''),
      );
    describe('triggers', triggers.samples);
    describe('/healthz', healthz.samples);
    describe('/readyz', readyz.samples);

    const slowTriggers = triggers.samples.filter((s) => !s.ok || s.ms > TARGET_TRIGGER_MS).length;
    const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(
      `  targets (${kind}): no stream under ${pct(TARGET_SHARE)} of the goodput: ${met(!starved)}; 0 client timeouts: ${met(timeouts === 0)} (${timeouts}); ` +
        `every trigger answered within ${TARGET_TRIGGER_MS} ms: ${met(slowTriggers === 0 && triggers.samples.length > 0)} (${slowTriggers} of ${triggers.samples.length} not)`,
    );
    console.log(JSON.stringify({ bench: 'soak', database: kind, seconds: SECONDS, loaded, unloaded, triggers: triggers.samples }, (k, v) => (k === 'latencies' ? undefined : v)));
    return true;
  } catch (error) {
    if (service) console.error(`service output (tail):\n${service.tail()}`);
    throw error;
  } finally {
    await service?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    await scratch?.drop();
  }
}

async function main(): Promise<number> {
  console.log(`soak bench: ${SECONDS} s per database, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  try {
    if (WHICH !== 'postgres') await soak('pglite');
    if (WHICH !== 'pglite') await soak('postgres');
    return 0;
  } catch (error) {
    if (error instanceof Interrupted) return 130;
    console.error(error);
    return 1;
  }
}

process.exitCode = await main();
