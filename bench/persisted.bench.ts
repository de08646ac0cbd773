/**
 * Persisted operations benchmark: the dashboard's batch page query (DashboardBatches, 20 batches
 * a page) sent as its persisted hash vs as its full document, against one Stockline, in one run.
 *
 *   npx tsx bench/persisted.bench.ts [seconds] [connections]
 *
 * Starts Stockline (NODE_ENV=production, ROLE=api) on a scratch PostgreSQL database
 * (BENCH_DATABASE_URL as in the other benches), creates a work center and 40 batches through the
 * API, then autocannon drives each form with `connections` (default 8) for `seconds` (default 5)
 * per round, in alternating rounds (3 each), after a warm-up. Prints req/s and p99 of each, the
 * ratio hash / document and a JSON line. Nothing is asserted on timing.
 *
 * Both forms run the same parsed document once Yoga's parse and validation caches are warm: the
 * difference is the request body (177 bytes vs 574) and the manifest lookup. The load
 * generator shares this process (and the machine's 2 cores) with the server.
 */
import { randomBytes } from 'node:crypto';
import { autocannon } from './load-generator.js';
import { buildApp, type App } from '../src/app.js';
import { parseEnv } from '../src/env.js';
import { loadManifest } from '../src/graphql/persisted-operations.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-db.js';

const SECONDS = Number(process.argv[2] ?? 5);
const CONNECTIONS = Number(process.argv[3] ?? 8);
const ROUNDS = 3;
const VARIABLES = { filter: {}, first: 20, after: null };

interface Round {
  rps: number;
  p99: number;
}

async function load(url: string, token: string, body: string, seconds: number): Promise<Round> {
  const result = await autocannon({ url, method: 'POST', connections: CONNECTIONS, duration: seconds, body, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

const mean = (rounds: Round[]) => ({
  rps: Math.round(rounds.reduce((sum, r) => sum + r.rps, 0) / rounds.length),
  p99: Math.round(rounds.reduce((sum, r) => sum + r.p99, 0) / rounds.length),
});

async function gql(url: string, token: string, body: unknown) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const json = (await res.json()) as { data?: any; errors?: unknown[] };
  if (json.errors) throw new Error(JSON.stringify(json.errors));
  return json.data;
}

async function main() {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const entry = [...loadManifest()].find(([, document]) => /query DashboardBatches\b/.test(document));
  if (!entry) throw new Error('DashboardBatches is not in the manifest: run npm run build');
  const [hash, document] = entry;
  let scratch: ScratchDatabase | undefined;
  let app: App | undefined;
  try {
    scratch = await createScratchDatabase(adminUrl);
    app = await buildApp(
      parseEnv({ DATABASE_URL: scratch.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SANDBOX: 'false', NODE_ENV: 'production', ROLE: 'api', CREDENTIALS_KEY: randomBytes(32).toString('base64'), API_RATE_LIMIT_PER_MINUTE: '100000000' }),
    );
    await app.start();
    const token = app.bootstrapToken;
    if (!token) throw new Error('no bootstrap token: the scratch database was not fresh');
    const url = `${app.url}/graphql`;
    const { createWorkCenter } = await gql(url, token, { query: 'mutation { createWorkCenter(input: { identifier: "BENCH", name: "Bench line" }) { workCenter { id } } }' });
    for (let i = 1; i <= 40; i++) {
      const input = { workCenterId: createWorkCenter.workCenter.id, batchNumber: i, batchDate: '2026-01-05', taskDescription: 'bench', shift: '1', team: 'A', nomenclature: 'Widget', eknCode: '1234', shiftStart: '2026-01-05T06:00:00Z', shiftEnd: '2026-01-05T14:00:00Z' };
      await gql(url, token, { query: 'mutation($input: CreateBatchInput!) { createBatch(input: $input) { errors { code message } } }', variables: { input } });
    }
    const bodies = {
      hash: JSON.stringify({ variables: VARIABLES, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
      document: JSON.stringify({ query: document, variables: VARIABLES }),
    };
    const page = await gql(url, token, JSON.parse(bodies.hash));
    if (page.batches.edges.length !== 20) throw new Error(`expected a page of 20 batches, got ${page.batches.edges.length}`);

    // Warm-up: JIT, connection pools, Yoga's parse and validation caches.
    await load(url, token, bodies.hash, 1);
    await load(url, token, bodies.document, 1);
    const rounds = { hash: [] as Round[], document: [] as Round[] };
    for (let i = 0; i < ROUNDS; i++) {
      rounds.hash.push(await load(url, token, bodies.hash, SECONDS));
      rounds.document.push(await load(url, token, bodies.document, SECONDS));
    }
    const hashed = mean(rounds.hash);
    const full = mean(rounds.document);
    const ratio = Math.round((hashed.rps / full.rps) * 1000) / 1000;
    console.log(`DashboardBatches (20 a page), ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s:`);
    console.log(`  persisted hash  ${hashed.rps} req/s, p99 ${hashed.p99} ms (body ${bodies.hash.length} bytes)`);
    console.log(`  full document   ${full.rps} req/s, p99 ${full.p99} ms (body ${bodies.document.length} bytes)`);
    console.log(`  hash / document = ${ratio.toFixed(3)}`);
    console.log(JSON.stringify({ bench: 'persisted', connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, hash: hashed, document: full, ratio }));
  } finally {
    await app?.stop().catch((error: unknown) => console.error('stopping the app failed:', error));
    await scratch?.drop();
  }
}

await main();
