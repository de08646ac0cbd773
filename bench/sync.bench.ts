/**
 * Sync engine benchmark (issue 4): FULL ingest of a storefront catalog against row-by-row Prisma
 * upserts measured in the same run, then an INCREMENTAL sync with 1% of the offers changed
 * against that FULL sync.
 *
 *   npx tsx bench/sync.bench.ts
 *   BENCH_OFFERS=20000 BENCH_BASELINE_ROWS=2000 npx tsx bench/sync.bench.ts
 *
 * BENCH_OFFERS (default 200 000): catalog size. BENCH_BASELINE_ROWS (default 5 000, at most
 * BENCH_OFFERS): offers the baseline upserts. BENCH_DATABASE_URL names the PostgreSQL server and
 * the database to connect to for CREATE/DROP (default postgres://postgres@127.0.0.1:5432/postgres).
 *
 * The storefront simulator (the channel with a modified-since filter, `updated_since`) runs with
 * its rate limits off in a child process (this same file, `--sim-worker`), as a marketplace would
 * be elsewhere: in one process, rendering its JSON pages would be charged to the engine. The
 * account's own limits are raised so the connector does not pace either.
 *
 *  1. baseline, in a scratch database of its own (fresh tables, like the engine's): the first
 *     BENCH_BASELINE_ROWS offers are fetched through the same connector first (not timed), then
 *     written one at a time, `prisma.product.upsert` by sku then `prisma.listing.upsert` by
 *     (accountId, externalId), no transaction → rows/s of the writes alone.
 *  2. engine: a FULL PRODUCTS sync of a fresh account through `triggerSync` and the app's own sync
 *     worker → rows/s = created / activeMs. This includes everything: HTTP, zod parsing, mapping,
 *     validation, writes, run bookkeeping and logs.
 *  3. prints engine ÷ baseline (target ≥ 20x).
 *  4. incremental: a few offers drifted and one INCREMENTAL run moves the watermark past the
 *     simulator's base time (untouched offers all share one change time, which the FULL watermark
 *     equals); then 1% of the offers drift and one more INCREMENTAL runs → its time ÷ the FULL
 *     sync's time (target < 5%).
 *
 * Ratios are printed, not asserted. The process exits 1 when a sync does not end SUCCESS or its
 * counts are wrong (a benchmark of a broken run is worse than none). Peak RSS of this process
 * (the engine; the simulator is elsewhere) is sampled every 100 ms. Everything (app, simulator,
 * both scratch databases) is cleaned up on success, on error and on Ctrl-C. BENCH_SQL_BREAKDOWN=1
 * also prints the FULL run's SQL time per statement shape.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildApp, type App } from '../src/app.js';
import { createConnector, type RemoteListing } from '../src/connectors/index.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { parseEnv } from '../src/env.js';
import type { SyncRun } from '../src/generated/prisma/client.js';
import type { Actor } from '../src/core/services.js';
import { createAccount } from '../src/modules/accounts/account.service.js';
import { triggerSync } from '../src/modules/sync/sync-run.service.js';
import { startSimulator } from '../src/simulators/index.js';
import { adminQuery, withDatabase } from './scratch-db.js';

const OFFERS = intEnv('BENCH_OFFERS', 200_000);
const BASELINE_ROWS = Math.min(OFFERS, intEnv('BENCH_BASELINE_ROWS', 5_000));
const DRIFT_COUNT = Math.max(1, Math.round(OFFERS * 0.01));
const WARMUP_DRIFT = 3;
const SEED = 4;
/** High enough that the connector never waits for a slot (the simulator enforces nothing). */
const NO_PACING = { default: { limit: 100_000, periodMs: 1000 } };
const ACTOR: Actor = { tokenId: 'bench', name: 'bench', role: 'ADMIN' };
const TARGET_RATIO = 20;
const TARGET_INCREMENTAL = 0.05;

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 1_000_000) throw new Error(`${name} must be an integer between 1 and 1000000, got ${raw}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// The simulator process.

type ToWorker = { type: 'drift'; count: number } | { type: 'stats' } | { type: 'stop' };
type FromWorker =
  | { type: 'ready'; url: string; credentials: Record<string, string>; ms: number }
  | { type: 'drift'; offers: string[] }
  | { type: 'stats'; requests: number; rss: number };

/** Sends a command to the simulator process and waits for its answer of the same type. */
function ask<T extends FromWorker['type']>(child: ChildProcess, type: T, message?: ToWorker): Promise<Extract<FromWorker, { type: T }>> {
  const answer = new Promise<Extract<FromWorker, { type: T }>>((resolve, reject) => {
    const onMessage = (m: FromWorker) => {
      if (m.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as Extract<FromWorker, { type: T }>);
    };
    const onExit = (code: number | null) => reject(new Error(`the simulator process exited (${code}) before answering ${type}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
  if (message) child.send(message);
  return answer;
}

// ---------------------------------------------------------------------------------------------
// Plumbing shared with the other benches: interruption, scratch databases, memory.

const stopSignal = new AbortController();
class Interrupted extends Error {}
const onSignal = () => {
  console.error('\ninterrupted: cleaning up…');
  stopSignal.abort();
};
function checkpoint(): void {
  if (stopSignal.signal.aborted) throw new Interrupted('interrupted');
}

/** A measured run that is not what it should be: reported, and the bench exits 1. */
class BrokenRun extends Error {}

/** Peak RSS of this process, sampled; `mark()` starts a new window and returns the last one's peak. */
function rssSampler() {
  let overall = process.memoryUsage().rss;
  let windowPeak = overall;
  const timer = setInterval(() => {
    const rss = process.memoryUsage().rss;
    if (rss > overall) overall = rss;
    if (rss > windowPeak) windowPeak = rss;
  }, 100);
  timer.unref();
  return {
    mark(): number {
      const rss = process.memoryUsage().rss;
      const peak = Math.max(windowPeak, rss);
      windowPeak = rss;
      if (peak > overall) overall = peak;
      return peak;
    },
    get peak() {
      return Math.max(overall, process.memoryUsage().rss);
    },
    stop: () => clearInterval(timer),
  };
}

const cpuMsSince = (before: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(before);
  return Math.round((used.user + used.system) / 1000);
};
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
const fmt = (n: number) => n.toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------
// Baseline: row-by-row Prisma upserts.

/** The first `count` offers, as the engine's connector reads them (the baseline does not time this). */
async function prefetch(url: string, credentials: Record<string, string>, count: number): Promise<RemoteListing[]> {
  const connector = createConnector({ id: 'bench-baseline-fetch', channel: 'STOREFRONT', baseUrl: url, credentials, rateLimits: NO_PACING });
  const offers: RemoteListing[] = [];
  for await (const page of connector.listProducts({ mode: 'FULL', signal: stopSignal.signal })) {
    offers.push(...page.items);
    if (offers.length >= count) break;
  }
  return offers.slice(0, count);
}

interface BaselineResult {
  rows: number;
  ms: number;
  rowsPerSecond: number;
  statementsPerRow: number;
  cpuMs: number;
}

/** Writes `offers` one at a time into a fresh database of its own. */
async function baseline(db: Database, offers: RemoteListing[]): Promise<BaselineResult> {
  const prisma = db.prisma;
  const account = await prisma.marketplaceAccount.create({
    data: { channel: 'STOREFRONT', name: 'bench baseline', baseUrl: 'http://127.0.0.1', credentialsEncrypted: 'unused' },
  });
  const now = new Date();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (const [i, offer] of offers.entries()) {
    if (i % 500 === 0) checkpoint();
    const product = await prisma.product.upsert({
      where: { sku: offer.sku },
      update: {},
      create: { sku: offer.sku, name: offer.name },
      select: { id: true },
    });
    const fields = {
      sku: offer.sku,
      name: offer.name,
      price: offer.price,
      currency: offer.currency,
      stock: offer.stock,
      stockByWarehouse: offer.stockByWarehouse,
      status: offer.status,
      remoteStatus: offer.remoteStatus,
      remotePrice: offer.price,
      remoteStock: offer.stock,
      remoteUpdatedAt: offer.remoteUpdatedAt ?? null,
      lastSeenAt: now,
      updatedAt: now,
    };
    await prisma.listing.upsert({
      where: { accountId_externalId: { accountId: account.id, externalId: offer.externalId } },
      update: fields,
      create: { ...fields, productId: product.id, accountId: account.id, externalId: offer.externalId },
      select: { id: true },
    });
  }
  const ms = performance.now() - started;
  const cpuMs = cpuMsSince(cpuBefore);
  const stored = await prisma.listing.count({ where: { accountId: account.id } });
  if (stored !== offers.length) throw new BrokenRun(`baseline stored ${stored} listings for ${offers.length} offers`);
  return { rows: offers.length, ms: Math.round(ms), rowsPerSecond: round((offers.length / ms) * 1000), statementsPerRow: 2, cpuMs };
}

// ---------------------------------------------------------------------------------------------
// Engine runs.

const FINAL = new Set(['SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED']);

/** SQL statements sent through the app's Prisma client (its query log), to show statements per page; the bench's own polls are taken out. */
let statements = 0;

/**
 * BENCH_SQL_BREAKDOWN=1: time per statement shape (Prisma's query event duration, which is the
 * round trip as the client sees it) during the FULL run, to show where its time goes.
 */
const SQL_BREAKDOWN = process.env.BENCH_SQL_BREAKDOWN === '1';
const sqlTime = new Map<string, { count: number; ms: number }>();
let sqlTiming = false;
function noteQuery(event: { query: string; duration: number }): void {
  if (!sqlTiming) return;
  const shape = event.query.replace(/\s+/g, ' ').trim().slice(0, 90);
  const entry = sqlTime.get(shape) ?? { count: 0, ms: 0 };
  entry.count++;
  entry.ms += Number(event.duration);
  sqlTime.set(shape, entry);
}

interface RunResult {
  run: SyncRun;
  statements: number;
  /** CPU this process (the app: worker, connector, Prisma) spent during the run. */
  cpuMs: number;
  /** From the trigger call to the final status being seen (poll granularity 100 ms). */
  wallMs: number;
  activeMs: number;
  peakRss: number;
}

/**
 * Triggers one run and waits for it. Progress is polled every 100 ms through `poller`, a pg client
 * of the bench's own, so the polls neither use the app's connection pool nor count as its SQL.
 */
async function runSync(app: App, poller: pg.Client, accountId: string, mode: 'FULL' | 'INCREMENTAL', rss: ReturnType<typeof rssSampler>): Promise<RunResult> {
  rss.mark();
  const statementsBefore = statements;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const [queued] = await triggerSync(app.services, ACTOR, { accountIds: [accountId], scope: 'PRODUCTS', mode });
  if (!queued) throw new BrokenRun(`triggerSync returned no run for ${mode}`);
  if (queued.status !== 'PENDING') throw new BrokenRun(`${mode}: joined a run already ${queued.status} instead of queuing one`);
  let lastReport = started;
  for (;;) {
    if (stopSignal.signal.aborted) {
      await app.services.prisma.syncRun.updateMany({ where: { id: queued.id, status: 'RUNNING' }, data: { cancelRequestedAt: new Date() } });
      throw new Interrupted('interrupted');
    }
    const { rows } = await poller.query<{ status: string; itemsDone: number; pagesDone: number; pagesTotal: number | null }>(
      'SELECT status::text AS status, "itemsDone", "pagesDone", "pagesTotal" FROM "SyncRun" WHERE id = $1::uuid',
      [queued.id],
    );
    const run = rows[0];
    if (!run) throw new BrokenRun(`run ${queued.id} disappeared`);
    const now = performance.now();
    if (FINAL.has(run.status)) {
      const wallMs = Math.round(now - started);
      const used = { peakRss: rss.mark(), statements: statements - statementsBefore, cpuMs: cpuMsSince(cpuBefore) };
      const final = await app.services.prisma.syncRun.findUniqueOrThrow({ where: { id: queued.id } });
      return { run: final, wallMs, activeMs: final.activeMs, ...used };
    }
    if (now - lastReport > 10_000) {
      lastReport = now;
      const seconds = (now - started) / 1000;
      console.log(`    … ${run.status} ${fmt(run.itemsDone)} items, ${run.pagesDone}/${run.pagesTotal ?? '?'} pages, ${round(seconds)} s, ${fmt(Math.round(run.itemsDone / seconds))} items/s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function expectRun(label: string, r: RunResult, expected: Partial<Record<'created' | 'updated' | 'unchanged' | 'failed' | 'itemsDone' | 'delisted', number>>): void {
  const problems: string[] = [];
  if (r.run.status !== 'SUCCESS') problems.push(`status ${r.run.status}${r.run.error ? ` (${r.run.error})` : ''}`);
  for (const [field, value] of Object.entries(expected)) {
    const actual = r.run[field as keyof SyncRun];
    if (actual !== value) problems.push(`${field} ${String(actual)}, expected ${value}`);
  }
  if (problems.length) throw new BrokenRun(`${label} run ${r.run.id}: ${problems.join('; ')}`);
}

function describeRun(label: string, r: RunResult, rowsField: 'created' | 'updated'): string {
  const rows = r.run[rowsField];
  const rate = r.activeMs > 0 ? (rows / r.activeMs) * 1000 : 0;
  return (
    `  ${label.padEnd(12)} ${fmt(r.run.itemsDone).padStart(8)} items read, ${r.run.created} created, ${r.run.updated} updated, ${r.run.unchanged} unchanged, ` +
    `${r.run.pagesDone} pages, ${round(r.statements / Math.max(1, r.run.pagesDone))} SQL statements/page; active ${fmt(r.activeMs)} ms (app CPU ${fmt(r.cpuMs)} ms), wall ${fmt(r.wallMs)} ms → ${fmt(Math.round(rate))} ${rowsField} rows/s, ` +
    `${fmt(Math.round((r.run.itemsDone / Math.max(1, r.activeMs)) * 1000))} items/s; peak RSS ${mb(r.peakRss)} MB`
  );
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const stamp = `${process.pid}_${Date.now().toString(36)}`;
  const engineDb = `stockline_bench_sync_${stamp}`;
  const baselineDb = `stockline_bench_sync_base_${stamp}`;
  const created: string[] = [];
  const rss = rssSampler();
  let child: ChildProcess | undefined;
  let app: App | undefined;
  let base: Database | undefined;
  let poller: pg.Client | undefined;

  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(
    `sync engine bench: ${fmt(OFFERS)}-offer STOREFRONT catalog, simulator rate limits off, baseline ${fmt(BASELINE_ROWS)} row-by-row upserts, ` +
      `incremental with ${fmt(DRIFT_COUNT)} offers (1%) changed`,
  );
  try {
    for (const name of [engineDb, baselineDb]) {
      checkpoint();
      await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
      created.push(name);
    }
    console.log(`scratch databases ${engineDb}, ${baselineDb}`);

    child = fork(fileURLToPath(import.meta.url), ['--sim-worker', String(OFFERS)], { stdio: 'inherit' });
    const ready = await ask(child, 'ready');
    console.log(`simulator ready in ${fmt(ready.ms)} ms (child process ${child.pid})`);
    checkpoint();

    // ---- 1. baseline -------------------------------------------------------------------------
    const fetchStarted = performance.now();
    const offers = await prefetch(ready.url, ready.credentials, BASELINE_ROWS);
    if (offers.length !== BASELINE_ROWS) throw new BrokenRun(`prefetched ${offers.length} offers, expected ${BASELINE_ROWS}`);
    console.log(`baseline: prefetched ${fmt(offers.length)} offers in ${fmt(Math.round(performance.now() - fetchStarted))} ms (not timed)`);
    base = await openDatabase({ url: withDatabase(adminUrl, baselineDb), dataDir: 'memory://' });
    await base.migrate();
    checkpoint();
    const baseResult = await baseline(base, offers);
    console.log(
      `  baseline     ${fmt(baseResult.rows).padStart(8)} rows, ${fmt(baseResult.ms)} ms → ${fmt(Math.round(baseResult.rowsPerSecond))} rows/s ` +
        `(product.upsert + listing.upsert per offer, writes only; bench CPU ${fmt(baseResult.cpuMs)} ms)`,
    );
    await base.close();
    base = undefined;
    checkpoint();

    // ---- 2. engine FULL ----------------------------------------------------------------------
    app = await buildApp(
      parseEnv({
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: 'memory://',
        LOG_LEVEL: 'warn',
        SANDBOX: 'false',
        DATABASE_URL: withDatabase(adminUrl, engineDb),
      }),
      { onQuery: () => void statements++ },
    );
    await app.start();
    poller = new pg.Client({ connectionString: withDatabase(adminUrl, engineDb) });
    await poller.connect();
    const account = await createAccount(app.services, ACTOR, {
      channel: 'STOREFRONT',
      name: 'bench storefront',
      baseUrl: ready.url,
      credentials: ready.credentials,
      rateLimits: NO_PACING,
    });
    checkpoint();
    console.log(`engine: FULL sync of ${fmt(OFFERS)} offers (times include HTTP, parsing and writes)`);
    if (SQL_BREAKDOWN) {
      (app.services.prisma as unknown as { $on(e: 'query', cb: (ev: { query: string; duration: number }) => void): void }).$on('query', noteQuery);
      sqlTiming = true;
    }
    const full = await runSync(app, poller, account.id, 'FULL', rss);
    expectRun('FULL', full, { created: OFFERS, updated: 0, failed: 0, itemsDone: OFFERS, delisted: 0 });
    const stored = await app.services.prisma.listing.count({ where: { accountId: account.id } });
    if (stored !== OFFERS) throw new BrokenRun(`FULL stored ${stored} listings, expected ${OFFERS}`);
    console.log(describeRun('FULL', full, 'created'));
    if (SQL_BREAKDOWN) {
      sqlTiming = false;
      const top = [...sqlTime].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
      console.log(`  SQL time during FULL by statement (client-side round trips; active ${fmt(full.activeMs)} ms):`);
      for (const [shape, { count, ms }] of top) console.log(`    ${fmt(Math.round(ms)).padStart(8)} ms ${fmt(count).padStart(7)}×  ${shape}`);
    }
    const engineRate = (full.run.created / full.activeMs) * 1000;
    const ratio = engineRate / baseResult.rowsPerSecond;
    checkpoint();

    // ---- 4. incremental ----------------------------------------------------------------------
    const warm = await ask(child, 'drift', { type: 'drift', count: WARMUP_DRIFT });
    const warmup = await runSync(app, poller, account.id, 'INCREMENTAL', rss);
    // The FULL watermark is the base time every untouched offer shares, so this one re-reads them all.
    expectRun('warm-up INCREMENTAL', warmup, { created: 0, updated: warm.offers.length, failed: 0 });
    console.log(describeRun('warm-up INC', warmup, 'updated') + '  (re-reads every offer: moves the watermark past the base time)');
    checkpoint();

    const drift = await ask(child, 'drift', { type: 'drift', count: DRIFT_COUNT });
    if (drift.offers.length !== DRIFT_COUNT) throw new BrokenRun(`the simulator drifted ${drift.offers.length} offers, asked ${DRIFT_COUNT}`);
    const incremental = await runSync(app, poller, account.id, 'INCREMENTAL', rss);
    expectRun('INCREMENTAL', incremental, { created: 0, updated: DRIFT_COUNT, failed: 0 });
    console.log(describeRun('INCREMENTAL', incremental, 'updated'));
    const incrementalShare = incremental.activeMs / full.activeMs;
    const incrementalWallShare = incremental.wallMs / full.wallMs;
    const simStats = await ask(child, 'stats', { type: 'stats' });

    // ---- 3. + summary ------------------------------------------------------------------------
    const meets = ratio >= TARGET_RATIO;
    const meetsIncremental = incrementalShare < TARGET_INCREMENTAL;
    console.log(
      `\nFULL ingest: engine ${fmt(Math.round(engineRate))} rows/s (HTTP + parsing + writes) vs baseline ${fmt(Math.round(baseResult.rowsPerSecond))} rows/s ` +
        `(row-by-row Prisma upserts, writes only) = ${round(ratio)}x (target ≥ ${TARGET_RATIO}x: ${meets ? 'met' : 'NOT met'})`,
    );
    console.log(
      `INCREMENTAL, ${fmt(DRIFT_COUNT)} of ${fmt(OFFERS)} offers changed: ${fmt(incremental.activeMs)} ms vs FULL ${fmt(full.activeMs)} ms = ${round(incrementalShare * 100, 2)}% ` +
        `(wall ${round(incrementalWallShare * 100, 2)}%; target < ${TARGET_INCREMENTAL * 100}%: ${meetsIncremental ? 'met' : 'NOT met'})`,
    );
    console.log(`load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')} on this machine (the benches share it with whatever else runs)`);
    console.log(`peak RSS: this process (app + sync worker) ${mb(rss.peak)} MB; simulator process ${mb(simStats.rss)} MB at the end, ${fmt(simStats.requests)} requests served`);
    console.log(
      JSON.stringify({
        bench: 'sync',
        offers: OFFERS,
        baseline: baseResult,
        full: { created: full.run.created, activeMs: full.activeMs, wallMs: full.wallMs, rowsPerSecond: round(engineRate), cpuMs: full.cpuMs, statementsPerPage: round(full.statements / full.run.pagesDone), peakRssMb: mb(full.peakRss) },
        ratio: round(ratio, 2),
        ratioTarget: TARGET_RATIO,
        warmupIncremental: { itemsDone: warmup.run.itemsDone, updated: warmup.run.updated, activeMs: warmup.activeMs, wallMs: warmup.wallMs },
        incremental: {
          changed: DRIFT_COUNT,
          itemsDone: incremental.run.itemsDone,
          updated: incremental.run.updated,
          unchanged: incremental.run.unchanged,
          activeMs: incremental.activeMs,
          wallMs: incremental.wallMs,
          shareOfFull: round(incrementalShare, 4),
          shareTarget: TARGET_INCREMENTAL,
        },
        peakRssMb: mb(rss.peak),
        loadAverage: loadavg().map((l) => round(l, 2)),
      }),
    );
    return 0;
  } catch (error) {
    if (error instanceof BrokenRun) {
      console.error(`\nBROKEN RUN, nothing measured: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    rss.stop();
    // Each step runs even when an earlier one fails; the databases go last.
    await poller?.end().catch((error: unknown) => console.error('closing the poll client failed:', error));
    await base?.close().catch((error: unknown) => console.error('closing the baseline database failed:', error));
    await app?.stop().catch((error: unknown) => console.error('stopping the app failed:', error));
    if (child && child.exitCode === null) {
      child.send({ type: 'stop' } satisfies ToWorker);
      await Promise.race([once(child, 'exit'), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      if (child.exitCode === null) child.kill();
    }
    for (const name of created) {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(
        () => console.log(`dropped ${name}`),
        (error: unknown) => console.error(`dropping ${name} failed; drop it by hand:`, error),
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Entry: the simulator worker or the bench (last, so every declaration above is initialized).

if (process.argv[2] === '--sim-worker') {
  const started = performance.now();
  const sim = await startSimulator('STOREFRONT', { offers: Number(process.argv[3]), seed: SEED, rateLimits: false });
  const send = (message: FromWorker) => process.send?.(message);
  process.on('message', (message: ToWorker) => {
    if (message.type === 'drift') send({ type: 'drift', offers: sim.drift({ count: message.count, orders: false }).offers });
    if (message.type === 'stats') send({ type: 'stats', requests: sim.stats().requests, rss: process.memoryUsage().rss });
    if (message.type === 'stop') void sim.stop().then(() => process.exit(0));
  });
  // The parent went away without saying stop (killed): do not linger.
  process.on('disconnect', () => void sim.stop().finally(() => process.exit(0)));
  send({ type: 'ready', url: sim.url, credentials: sim.credentials, ms: Math.round(performance.now() - started) });
} else {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof Interrupted) process.exit(130);
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    },
  );
}
