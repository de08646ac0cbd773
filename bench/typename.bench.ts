/**
 * Per-request overhead benchmark: `{ __typename }` with a token through Stockline, against a bare
 * graphql-yoga server with one field, in one run.
 *
 *   npx tsx bench/typename.bench.ts [seconds] [connections]
 *
 * Starts Stockline on a scratch PostgreSQL database (BENCH_DATABASE_URL names the server and the
 * database to connect to for CREATE/DROP; default postgres://postgres@127.0.0.1:5432/postgres) with
 * NODE_ENV=production and ROLE=api, and a bare Yoga on another port; autocannon drives each with
 * `connections` (default 8) for `seconds` (default 5) per round, in alternating rounds (3 each),
 * after a warm-up. Stockline is measured twice: as it runs, and with its token cache switched off
 * (every request looks its token up in the database, as before the cache), so the cache's part
 * shows in the same run. Prints req/s and p99 of each, the ratios to the bare server, and a JSON
 * line. Nothing is asserted on timing.
 *
 * Caveat: the load generator shares this process (and the machine's 2 cores) with both servers.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { createSchema, createYoga } from 'graphql-yoga';
import { buildApp, type App } from '../src/app.js';
import { parseEnv } from '../src/env.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-db.js';

const SECONDS = Number(process.argv[2] ?? 5);
const CONNECTIONS = Number(process.argv[3] ?? 8);
const ROUNDS = 3;
const BODY = JSON.stringify({ query: '{ __typename }' });

interface Round {
  rps: number;
  p99: number;
}

async function load(url: string, token: string | null, seconds: number): Promise<Round> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    body: BODY,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

function bareYoga(): Promise<Server> {
  const yoga = createYoga({ schema: createSchema({ typeDefs: 'type Query { hello: String }' }), logging: false, graphiql: false, landingPage: false });
  const server = createServer(yoga);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const mean = (rounds: Round[]) => ({
  rps: Math.round(rounds.reduce((sum, r) => sum + r.rps, 0) / rounds.length),
  p99: Math.round(rounds.reduce((sum, r) => sum + r.p99, 0) / rounds.length),
});

async function main() {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let scratch: ScratchDatabase | undefined;
  let app: App | undefined;
  let bare: Server | undefined;
  try {
    scratch = await createScratchDatabase(adminUrl);
    app = await buildApp(
      parseEnv({ DATABASE_URL: scratch.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SANDBOX: 'false', NODE_ENV: 'production', ROLE: 'api', CREDENTIALS_KEY: randomBytes(32).toString('base64'), API_RATE_LIMIT_PER_MINUTE: '100000000' }),
    );
    await app.start();
    const token = app.bootstrapToken;
    if (!token) throw new Error('no bootstrap token: the scratch database was not fresh');
    bare = await bareYoga();
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/graphql`;
    const stocklineUrl = `${app.url}/graphql`;
    const cache = app.services.tokens;

    // Warm-up: JIT, connection pools, caches.
    await load(bareUrl, null, 1);
    await load(stocklineUrl, token, 1);

    const rounds = { bare: [] as Round[], stockline: [] as Round[], uncached: [] as Round[] };
    for (let i = 0; i < ROUNDS; i++) {
      rounds.bare.push(await load(bareUrl, null, SECONDS));
      app.services.tokens = cache;
      rounds.stockline.push(await load(stocklineUrl, token, SECONDS));
      app.services.tokens = undefined;
      rounds.uncached.push(await load(stocklineUrl, token, SECONDS));
      app.services.tokens = cache;
    }
    const bareMean = mean(rounds.bare);
    const stockline = mean(rounds.stockline);
    const uncached = mean(rounds.uncached);
    const ratio = (x: { rps: number }) => Math.round((x.rps / bareMean.rps) * 1000) / 1000;
    console.log(`{ __typename }, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s:`);
    console.log(`  bare graphql-yoga           ${bareMean.rps} req/s, p99 ${bareMean.p99} ms`);
    console.log(`  Stockline (token cache)     ${stockline.rps} req/s, p99 ${stockline.p99} ms = ${ratio(stockline).toFixed(3)} of bare`);
    console.log(`  Stockline (no token cache)  ${uncached.rps} req/s, p99 ${uncached.p99} ms = ${ratio(uncached).toFixed(3)} of bare`);
    console.log(JSON.stringify({ bench: 'typename', connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, bare: bareMean, stockline, uncached, ratio: ratio(stockline), ratioUncached: ratio(uncached) }));
  } finally {
    await new Promise<void>((resolve) => (bare ? bare.close(() => resolve()) : resolve()));
    await app?.stop().catch((error: unknown) => console.error('stopping the app failed:', error));
    await scratch?.drop();
  }
}

await main();
