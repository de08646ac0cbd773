/**
 * Per-request overhead benchmark: `{ __typename }` with a token through Stockline, against a bare
 * graphql-yoga server with one field, in one run.
 *
 *   npx tsx bench/typename.bench.ts [seconds] [connections]
 *
 * Starts Stockline on a scratch PostgreSQL database (BENCH_DATABASE_URL names the server and the
 * database to connect to for CREATE/DROP; default postgres://postgres@127.0.0.1:5432/postgres) as
 * `src/main.ts` with NODE_ENV=production and ROLE=api, and a bare Yoga (bench/profile/bare-yoga.ts),
 * each in its own process so that neither shares an event loop with autocannon. autocannon drives
 * each with `connections` (default 8) for `seconds` (default 5) per round, in alternating rounds
 * (3 each), after a warm-up. A second bare Yoga runs without its body-size cap (BARE_BODY_LIMIT=off):
 * the framework's floor, as Stockline spares a body with a length that cap's byte-counting stream
 * (src/graphql/request-limits.plugin.ts). Another process is Stockline with its token cache off
 * (bench/profile/no-token-cache.ts: every request looks its token up in the database), so the
 * cache's part shows in the same run. Prints req/s, p99 and process CPU time per request of each
 * (CPU time is what other processes on a shared machine disturb least), the ratios to the bare
 * server, the load average, and a JSON line. Nothing is asserted on timing.
 *
 * BENCH_CPU_PROF=<dir> starts the (cached) Stockline process with --cpu-prof into that directory;
 * read the profile with bench/profile/cpuprofile-summary.ts.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { autocannon } from './load-generator.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-db.js';
import { startChild, type ChildServer } from './profile/servers.js';

const SECONDS = Number(process.argv[2] ?? 5);
const CONNECTIONS = Number(process.argv[3] ?? 8);
const ROUNDS = 3;
const BODY = JSON.stringify({ query: '{ __typename }' });

interface Round {
  rps: number;
  p99: number;
  /** Process CPU time per request, µs: steadier than req/s on a shared machine. */
  cpuUs: number;
}

async function load(server: ChildServer, token: string | null, seconds: number): Promise<Round> {
  const url = server.url;
  const cpuBefore = server.cpuMs();
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    body: BODY,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99, cpuUs: ((server.cpuMs() - cpuBefore) * 1000) / result.requests.total };
}

const mean = (rounds: Round[]) => ({
  rps: Math.round(rounds.reduce((sum, r) => sum + r.rps, 0) / rounds.length),
  p99: Math.round(rounds.reduce((sum, r) => sum + r.p99, 0) / rounds.length),
  cpuUs: Math.round(rounds.reduce((sum, r) => sum + r.cpuUs, 0) / rounds.length),
});

async function main() {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const profileDir = process.env.BENCH_CPU_PROF;
  const token = `stk_${randomBytes(32).toString('base64url')}`;
  let scratch: ScratchDatabase | undefined;
  const servers: ChildServer[] = [];
  try {
    scratch = await createScratchDatabase(adminUrl);
    const env = {
      DATABASE_URL: scratch.url,
      LOG_LEVEL: 'warn',
      SANDBOX: 'false',
      NODE_ENV: 'production',
      ROLE: 'api',
      ADMIN_TOKEN: token,
      CREDENTIALS_KEY: randomBytes(32).toString('base64'),
      API_RATE_LIMIT_PER_MINUTE: '100000000',
      // The uncached process spends the address's lookup budget on every request.
      API_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000000',
    };
    // One at a time: the first applies the migrations.
    const stockline = await startChild('src/main.ts', env, profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [], '/healthz');
    servers.push(stockline);
    const uncached = await startChild('src/main.ts', env, ['--import', './bench/profile/no-token-cache.ts'], '/healthz');
    servers.push(uncached);
    const bare = await startChild('bench/profile/bare-yoga.ts', {}, [], '/health');
    servers.push(bare);
    const bareNoCap = await startChild('bench/profile/bare-yoga.ts', { BARE_BODY_LIMIT: 'off' }, [], '/health');
    servers.push(bareNoCap);

    // Warm-up: JIT, connection pools, caches.
    await load(bare, null, 2);
    await load(bareNoCap, null, 2);
    await load(stockline, token, 2);
    await load(uncached, token, 2);

    const rounds = { bare: [] as Round[], bareNoCap: [] as Round[], stockline: [] as Round[], uncached: [] as Round[] };
    const loadBefore = loadavg()[0]!;
    for (let i = 0; i < ROUNDS; i++) {
      rounds.bare.push(await load(bare, null, SECONDS));
      rounds.bareNoCap.push(await load(bareNoCap, null, SECONDS));
      rounds.stockline.push(await load(stockline, token, SECONDS));
      rounds.uncached.push(await load(uncached, token, SECONDS));
    }
    const loadAverage = [loadBefore, loadavg()[0]!].map((l) => Math.round(l * 100) / 100);
    const bareMean = mean(rounds.bare);
    const bareNoCapMean = mean(rounds.bareNoCap);
    const cached = mean(rounds.stockline);
    const noCache = mean(rounds.uncached);
    const ratio = (x: { rps: number }) => Math.round((x.rps / bareMean.rps) * 1000) / 1000;
    const cpuRatio = (x: { cpuUs: number }) => Math.round((bareMean.cpuUs / x.cpuUs) * 1000) / 1000;
    console.log(`{ __typename }, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s, 1-min load average ${loadAverage.join(' → ')}:`);
    console.log(`  bare graphql-yoga           ${bareMean.rps} req/s, p99 ${bareMean.p99} ms, ${bareMean.cpuUs} µs CPU/request`);
    console.log(`  bare, no body-size cap      ${bareNoCapMean.rps} req/s, p99 ${bareNoCapMean.p99} ms, ${bareNoCapMean.cpuUs} µs CPU/request; Stockline = ${(cached.rps / bareNoCapMean.rps).toFixed(3)} of it (CPU: ${(bareNoCapMean.cpuUs / cached.cpuUs).toFixed(3)})`);
    console.log(`  Stockline (token cache)     ${cached.rps} req/s, p99 ${cached.p99} ms, ${cached.cpuUs} µs CPU/request = ${ratio(cached).toFixed(3)} of bare (CPU: ${cpuRatio(cached).toFixed(3)})`);
    console.log(`  Stockline (no token cache)  ${noCache.rps} req/s, p99 ${noCache.p99} ms, ${noCache.cpuUs} µs CPU/request = ${ratio(noCache).toFixed(3)} of bare (CPU: ${cpuRatio(noCache).toFixed(3)})`);
    console.log(`  per round (req/s): bare ${rounds.bare.map((r) => Math.round(r.rps)).join(' ')}; bare, no cap ${rounds.bareNoCap.map((r) => Math.round(r.rps)).join(' ')}; Stockline ${rounds.stockline.map((r) => Math.round(r.rps)).join(' ')}`);
    console.log(
      JSON.stringify({ bench: 'typename', connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, loadAverage, bare: bareMean, bareNoCap: bareNoCapMean, stockline: cached, uncached: noCache, ratio: ratio(cached), ratioUncached: ratio(noCache), cpuRatio: cpuRatio(cached) }),
    );
  } finally {
    for (const server of servers.reverse()) await server.stop();
    await scratch?.drop();
  }
}

await main();
