/**
 * Subscription fan-out: N WebSocket clients subscribed to syncProgress on one Stockline instance,
 * against a bare graphql-ws + ws server broadcasting the same events to the same number of
 * clients, in one run.
 *
 *   npx tsx --expose-gc bench/fanout.bench.ts [--clients 1000,5000] [--events 20] [--rate 10]
 *
 * Stockline runs in this process on a scratch PostgreSQL database (BENCH_DATABASE_URL as in the
 * other benches), NODE_ENV=production, ROLE=api, no sandbox, the embedded event bus; the bare
 * server runs in a child process; the clients run in two other child processes (bench/fanout/
 * clients.ts), so each server's memory and CPU are its own. Per server and N: connect time (all
 * acknowledged), idle memory per subscriber (RSS and heap after a GC, before and after connecting),
 * then `events` syncProgress events published at `rate`/s with `at` stamped at publish time, and
 * from `at` to receipt the p50/p99/max delivery latency, and whether every client got every event.
 * Prints the ratios Stockline/bare and a JSON line. The default run (1,000 clients, 20 events) is
 * short; `--clients 1000,5000` is the pair. Each server process needs a file descriptor per
 * client: raise `ulimit -n` past N + 100 first. Nothing is asserted; note the load average printed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { buildApp, type App } from '../src/app.js';
import { parseEnv } from '../src/env.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-db.js';
import { progressEvent, SUBSCRIPTION } from './fanout/events.js';

const { values: args } = parseArgs({ options: { clients: { type: 'string', default: '1000' }, events: { type: 'string', default: '20' }, rate: { type: 'string', default: '10' } } });
const SIZES = args.clients.split(',').map(Number);
const EVENTS = Number(args.events);
const RATE = Number(args.rate);
const CLIENT_PROCESSES = 2;
const tsx = ['--import', 'tsx'];

/** A forked child answering one message per request: `ask` sends and waits for the reply with `key`. */
function child(path: string, execArgv: string[]) {
  const proc = fork(new URL(path, import.meta.url), { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = <T>(message: object, key: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (reply: any) => {
        if (reply.error) reject(new Error(reply.error));
        else if (key in reply) resolve(reply);
        else return;
        proc.off('message', onMessage);
      };
      proc.on('message', onMessage);
      proc.send(message);
    });
  const first = (key: string) => new Promise<any>((resolve) => proc.on('message', function once(m: any) { if (key in m) { proc.off('message', once); resolve(m); } }));
  return { proc, ask, first };
}

interface Target {
  name: string;
  url: string;
  token: string;
  publish(event: ReturnType<typeof progressEvent>): void;
  memory(): Promise<NodeJS.MemoryUsage>;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(target: Target, n: number, clients: ReturnType<typeof child>[]) {
  const before = await target.memory();
  const share = (i: number) => Math.floor(n / clients.length) + (i < n % clients.length ? 1 : 0);
  const started = performance.now();
  await Promise.all(clients.map((c, i) => c.ask({ cmd: 'connect', url: target.url, token: target.token, count: share(i), query: SUBSCRIPTION }, 'connected')));
  const connectMs = performance.now() - started;
  // Every subscription is registered once a probe reached every client.
  for (let probe = 1; ; probe++) {
    target.publish(progressEvent(probe, 'probe'));
    await wait(100);
    const probed = await Promise.all(clients.map((c) => c.ask<{ probed: number }>({ cmd: 'probed' }, 'probed')));
    if (probed.reduce((sum, p) => sum + p.probed, 0) === n) break;
    if (probe > 600) throw new Error(`${target.name}: only ${probed.map((p) => p.probed)} clients live after 60 s`);
  }
  await wait(500);
  const idle = await target.memory();
  await Promise.all(clients.map((c) => c.ask({ cmd: 'measure' }, 'measuring')));
  for (let page = 1; page <= EVENTS; page++) {
    target.publish(progressEvent(page));
    await wait(1000 / RATE);
  }
  // Until every client has every event, or 30 s without progress.
  let reports: { received: number[]; latencies: number[] }[] = [];
  for (let last = -1, still = 0; still < 60; ) {
    reports = await Promise.all(clients.map((c) => c.ask<{ received: number[]; latencies: number[] }>({ cmd: 'report' }, 'received')));
    const total = reports.reduce((sum, r) => sum + r.latencies.length, 0);
    if (total === n * EVENTS) break;
    still = total === last ? still + 1 : 0;
    last = total;
    await wait(500);
  }
  await Promise.all(clients.map((c) => c.ask({ cmd: 'close' }, 'closed')));
  const latencies = reports.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const received = reports.flatMap((r) => r.received);
  const kb = (bytes: number) => Math.round((bytes / n / 1024) * 10) / 10;
  return {
    clients: n,
    connectMs: Math.round(connectMs),
    everyClientEveryEvent: received.length === n && received.every((count) => count === EVENTS),
    fewestReceived: Math.min(...received),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? NaN,
    rssKBPerSubscriber: kb(idle.rss - before.rss),
    heapKBPerSubscriber: kb(idle.heapUsed - before.heapUsed),
  };
}

async function main() {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  if (!globalThis.gc) console.warn('run with --expose-gc (npx tsx --expose-gc …): memory per subscriber is noisy without a GC before each reading');
  let scratch: ScratchDatabase | undefined;
  let app: App | undefined;
  const children: ChildProcess[] = [];
  try {
    scratch = await createScratchDatabase(adminUrl);
    const high = String(1e9);
    app = await buildApp(
      parseEnv({ DATABASE_URL: scratch.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SANDBOX: 'false', SCHEDULER_ENABLED: 'false', NODE_ENV: 'production', ROLE: 'api', CREDENTIALS_KEY: randomBytes(32).toString('base64'), API_RATE_LIMIT_PER_MINUTE: high, API_ANONYMOUS_RATE_LIMIT_PER_MINUTE: high }),
    );
    await app.start();
    const services = app.services;
    const stockline: Target = {
      name: 'Stockline',
      url: app.url.replace(/^http/, 'ws') + '/graphql',
      token: app.bootstrapToken ?? '',
      publish: (event) => services.events.publishSyncProgress({ ...event, at: new Date().toISOString() }),
      memory: async () => (globalThis.gc?.(), process.memoryUsage()),
    };
    const bareChild = child('./fanout/bare-server.ts', ['--expose-gc', ...tsx]);
    children.push(bareChild.proc);
    const bare: Target = {
      name: 'bare graphql-ws',
      url: (await bareChild.first('url')).url,
      token: 'unused',
      publish: (event) => bareChild.proc.send({ cmd: 'publish', event }),
      memory: async () => (await bareChild.ask<{ memory: NodeJS.MemoryUsage }>({ cmd: 'memory' }, 'memory')).memory,
    };
    const clients = Array.from({ length: CLIENT_PROCESSES }, () => child('./fanout/clients.ts', tsx));
    children.push(...clients.map((c) => c.proc));
    await Promise.all(clients.map((c) => c.first('ready')));

    const load = loadavg().map((l) => l.toFixed(2)).join(' ');
    console.log(`fan-out: ${EVENTS} syncProgress events at ${RATE}/s; load average ${load} (2 cores shared)`);
    const results = [];
    for (const n of SIZES) {
      const b = await measure(bare, n, clients);
      const s = await measure(stockline, n, clients);
      const ratio = (x: number, y: number) => Math.round((x / y) * 100) / 100;
      const ratios = { p50: ratio(s.p50, b.p50), p99: ratio(s.p99, b.p99), connect: ratio(s.connectMs, b.connectMs), rss: ratio(s.rssKBPerSubscriber, b.rssKBPerSubscriber) };
      for (const [name, r] of [['bare graphql-ws', b], ['Stockline', s]] as const) {
        console.log(`  ${String(n).padStart(5)} clients  ${name.padEnd(16)} connect ${r.connectMs} ms, latency p50 ${r.p50} ms p99 ${r.p99} ms max ${r.max} ms, every client every event: ${r.everyClientEveryEvent} (fewest ${r.fewestReceived}/${EVENTS}), idle RSS ${r.rssKBPerSubscriber} KB heap ${r.heapKBPerSubscriber} KB per subscriber`);
      }
      console.log(`  ${String(n).padStart(5)} clients  Stockline/bare: p50 ${ratios.p50}×, p99 ${ratios.p99}× (target ≤ 2), connect ${ratios.connect}×, RSS per subscriber ${ratios.rss}× (target ≤ 30 KB)`);
      results.push({ clients: n, bare: b, stockline: s, ratios });
    }
    console.log(JSON.stringify({ bench: 'fanout', events: EVENTS, rate: RATE, loadAverage: loadavg(), results }));
  } finally {
    for (const proc of children) proc.kill();
    await app?.stop().catch((error: unknown) => console.error('stopping the app failed:', error));
    await scratch?.drop();
  }
}

await main();
