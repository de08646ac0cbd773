/**
 * Batches read benchmark: GraphQL over HTTP against the same data read straight from PostgreSQL.
 *
 *   npx tsx bench/batches.bench.ts [seconds] [concurrency]
 *
 * Creates a scratch PostgreSQL database (BENCH_DATABASE_URL names the server and the database to
 * connect to for CREATE/DROP; default postgres://postgres@127.0.0.1:5432/postgres), seeds 500
 * batches over 10 work centers with 5 units each, starts the app on a free port and, for
 * `seconds` (default 10) each with `concurrency` (default 4) requests in flight:
 *
 *  - graphql: POST /graphql `batches(first: 100, orderBy: BATCH_DATE DESC)` with work centers
 *    and the first 10 units (and their count) of every batch, with the bootstrap ADMIN token;
 *  - direct SQL: the same data through a pg.Pool: the page and the count in parallel, then the
 *    work centers and the first 10 units of those batches (with counts) in parallel, shaped into
 *    the same JSON.
 *
 * Prints req/s of both and their ratio (graphql / direct SQL), one summary line and one JSON
 * line. Nothing is asserted on timing. The app, the pool and the scratch database are cleaned up
 * on success, on error and on Ctrl-C.
 *
 * Caveats, by design of a one-process bench: the HTTP client (fetch, JSON parsing) shares the
 * event loop with the server it measures; each GraphQL request also authenticates its token (one
 * more query), which the direct-SQL baseline does not.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { buildApp, type App } from '../src/app.js';
import { parseEnv } from '../src/env.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-db.js';

const SECONDS = Number(process.argv[2] ?? 10);
const CONCURRENCY = Number(process.argv[3] ?? 4);
const WARMUP_MS = 1000;
const WORK_CENTERS = 10;
const BATCHES = 500;
const UNITS_PER_BATCH = 5;
const PAGE = 100;
const UNITS_PAGE = 10;

const QUERY = /* GraphQL */ `
  query BenchBatches {
    batches(first: ${PAGE}, orderBy: { field: BATCH_DATE, direction: DESC }) {
      totalCount
      edges {
        node {
          id
          batchNumber
          batchDate
          workCenter { identifier }
          units(first: ${UNITS_PAGE}) { totalCount edges { node { code } } }
        }
      }
    }
  }
`;

type BatchesResult = {
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

interface RunResult {
  requests: number;
  seconds: number;
  rps: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
}

/** Ctrl-C / SIGTERM: no new requests are started; in-flight ones finish, then everything is cleaned up. */
const stopSignal = new AbortController();
class Interrupted extends Error {}
const onSignal = () => {
  console.error('\ninterrupted: finishing in-flight requests, then cleaning up…');
  stopSignal.abort();
};
function checkpoint(): void {
  if (stopSignal.signal.aborted) throw new Interrupted('interrupted');
}
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

async function seed(app: App): Promise<void> {
  const prisma = app.services.prisma;
  const workCenters = Array.from({ length: WORK_CENTERS }, (_, i) => ({
    id: randomUUID(),
    identifier: `WC-${String(i + 1).padStart(2, '0')}`,
    name: `Work center ${i + 1}`,
  }));
  await prisma.workCenter.createMany({ data: workCenters });

  // Five batches a day, numbered 1..5 within their day (batch number is unique per date).
  const perDay = 5;
  const firstDay = Date.UTC(2025, 0, 1);
  const batches = Array.from({ length: BATCHES }, (_, i) => {
    const day = new Date(firstDay + Math.floor(i / perDay) * 86_400_000);
    const shiftStart = new Date(day.getTime() + (6 + (i % perDay) * 3) * 3_600_000);
    return {
      id: randomUUID(),
      taskDescription: `Bench task ${i + 1}`,
      shift: `S${(i % 3) + 1}`,
      team: `Team ${(i % 7) + 1}`,
      batchNumber: (i % perDay) + 1,
      batchDate: day,
      nomenclature: `Product ${(i % 25) + 1}`,
      eknCode: `EKN-${String((i % 40) + 1).padStart(4, '0')}`,
      shiftStart,
      shiftEnd: new Date(shiftStart.getTime() + 8 * 3_600_000),
      workCenterId: workCenters[i % WORK_CENTERS]!.id,
      closed: i % 4 === 0,
      closedAt: i % 4 === 0 ? new Date(shiftStart.getTime() + 9 * 3_600_000) : null,
    };
  });
  await prisma.batch.createMany({ data: batches });

  const units = batches.flatMap((batch, b) =>
    Array.from({ length: UNITS_PER_BATCH }, (_, u) => ({
      id: randomUUID(),
      code: `U-${String(b + 1).padStart(4, '0')}-${u + 1}`,
      batchId: batch.id,
      createdAt: new Date(Date.UTC(2025, 0, 1) + (b * UNITS_PER_BATCH + u) * 1000),
      aggregated: u === 0,
      aggregatedAt: u === 0 ? new Date() : null,
    })),
  );
  await prisma.unit.createMany({ data: units });
  // Fresh tables: give the planner real statistics before measuring.
  await prisma.$executeRawUnsafe('ANALYZE "WorkCenter", "Batch", "Unit"');
}

/** The same data as QUERY, read directly: page + count, then work centers + units, shaped alike. */
async function directSql(pool: pg.Pool): Promise<BatchesResult> {
  const [page, count] = await Promise.all([
    pool.query<{ id: string; batchNumber: number; batchDate: Date; workCenterId: string }>(
      `SELECT "id", "batchNumber", "batchDate", "workCenterId" FROM "Batch"
       ORDER BY "batchDate" DESC, "id" DESC LIMIT $1`,
      [PAGE],
    ),
    pool.query<{ count: string }>('SELECT count(*) AS count FROM "Batch"'),
  ]);
  const batchIds = page.rows.map((r) => r.id);
  const workCenterIds = [...new Set(page.rows.map((r) => r.workCenterId))];
  const [workCenters, units] = await Promise.all([
    pool.query<{ id: string; identifier: string }>('SELECT "id", "identifier" FROM "WorkCenter" WHERE "id" = ANY($1::uuid[])', [workCenterIds]),
    pool.query<{ batchId: string; code: string; total: string }>(
      `SELECT "batchId", "code", "total" FROM (
         SELECT "batchId", "code", "createdAt", "id",
                row_number() OVER (PARTITION BY "batchId" ORDER BY "createdAt", "id") AS rn,
                count(*) OVER (PARTITION BY "batchId") AS total
           FROM "Unit" WHERE "batchId" = ANY($1::uuid[])
       ) ranked
       WHERE rn <= $2
       ORDER BY "batchId", rn`,
      [batchIds, UNITS_PAGE],
    ),
  ]);
  const identifiers = new Map(workCenters.rows.map((w) => [w.id, w.identifier]));
  const unitsByBatch = new Map<string, { totalCount: number; edges: Array<{ node: { code: string } }> }>();
  for (const u of units.rows) {
    let entry = unitsByBatch.get(u.batchId);
    if (!entry) unitsByBatch.set(u.batchId, (entry = { totalCount: Number(u.total), edges: [] }));
    entry.edges.push({ node: { code: u.code } });
  }
  return {
    totalCount: Number(count.rows[0]!.count),
    edges: page.rows.map((r) => ({
      node: {
        id: r.id,
        batchNumber: r.batchNumber,
        batchDate: isoDate(r.batchDate),
        workCenter: { identifier: identifiers.get(r.workCenterId)! },
        units: unitsByBatch.get(r.id) ?? { totalCount: 0, edges: [] },
      },
    })),
  };
}

async function graphql(url: string, token: string): Promise<BatchesResult> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GraphQL HTTP ${response.status}: ${text.slice(0, 500)}`);
  const body = JSON.parse(text) as { data?: { batches: BatchesResult }; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return body.data.batches;
}

/** Both sides must return the same page, or the comparison is meaningless. */
function checkSame(a: BatchesResult, b: BatchesResult): void {
  const left = JSON.stringify(a);
  const right = JSON.stringify(b);
  if (left !== right) {
    throw new Error(`GraphQL and direct SQL disagree:\n  graphql: ${left.slice(0, 300)}…\n  sql:     ${right.slice(0, 300)}…`);
  }
  if (a.edges.length !== PAGE || a.totalCount !== BATCHES) throw new Error(`unexpected page: ${a.edges.length} of ${a.totalCount}`);
}

/** Keeps `concurrency` calls of `op` in flight until `ms` have passed; records latencies if asked. */
async function runFor(op: () => Promise<unknown>, ms: number, concurrency: number, latencies?: number[]): Promise<void> {
  const deadline = Date.now() + ms;
  const worker = async () => {
    while (!stopSignal.signal.aborted && Date.now() < deadline) {
      const started = performance.now();
      await op();
      latencies?.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
}

/** Warms up for WARMUP_MS, then measures `ms`; throughput counts requests completed in the window. */
async function measure(label: string, op: () => Promise<unknown>, ms: number, concurrency: number): Promise<RunResult> {
  await runFor(op, WARMUP_MS, concurrency);
  const latencies: number[] = [];
  const started = performance.now();
  await runFor(op, ms, concurrency, latencies);
  const seconds = (performance.now() - started) / 1000;
  checkpoint();
  latencies.sort((x, y) => x - y);
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const mean = latencies.reduce((s, v) => s + v, 0) / Math.max(1, latencies.length);
  const round = (v: number) => Math.round(v * 100) / 100;
  const result = {
    requests: latencies.length,
    seconds: round(seconds),
    rps: round(latencies.length / seconds),
    meanMs: round(mean),
    p50Ms: round(pick(0.5)),
    p95Ms: round(pick(0.95)),
  };
  console.log(`  ${label.padEnd(10)} ${result.rps.toFixed(1).padStart(8)} req/s  (${result.requests} requests, mean ${result.meanMs} ms, p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms)`);
  return result;
}

async function main(): Promise<void> {
  if (!(SECONDS > 0) || !(CONCURRENCY >= 1)) throw new Error('usage: npx tsx bench/batches.bench.ts [seconds>0] [concurrency>=1]');
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

  let app: App | undefined;
  let pool: pg.Pool | undefined;
  let scratch: ScratchDatabase | undefined;
  try {
    checkpoint();
    scratch = await createScratchDatabase(adminUrl);

    app = await buildApp(parseEnv({ DATABASE_URL: scratch.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SANDBOX: 'false', API_RATE_LIMIT_PER_MINUTE: '1000000' }));
    await app.start();
    const token = app.bootstrapToken;
    if (!token) throw new Error('no bootstrap token: the scratch database was not fresh');

    checkpoint();
    const seedStarted = performance.now();
    await seed(app);
    console.log(`seeded ${WORK_CENTERS} work centers, ${BATCHES} batches, ${BATCHES * UNITS_PER_BATCH} units in ${Math.round(performance.now() - seedStarted)} ms`);

    pool = new pg.Pool({ connectionString: scratch.url, max: 10 });
    checkpoint();
    checkSame(await graphql(app.url, token), await directSql(pool));
    checkpoint();

    console.log(`measuring ${SECONDS} s each, concurrency ${CONCURRENCY} (after ${WARMUP_MS} ms warm-up):`);
    const direct = await measure('direct SQL', () => directSql(pool!), SECONDS * 1000, CONCURRENCY);
    const gql = await measure('graphql', () => graphql(app!.url, token), SECONDS * 1000, CONCURRENCY);
    const ratio = Math.round((gql.rps / direct.rps) * 1000) / 1000;

    console.log(
      `\nbatches(first: ${PAGE}) + units(first: ${UNITS_PAGE}): graphql ${gql.rps.toFixed(1)} req/s vs direct SQL ${direct.rps.toFixed(1)} req/s ` +
        `= ${ratio.toFixed(3)} (graphql / direct SQL), concurrency ${CONCURRENCY}, ${SECONDS} s each`,
    );
    console.log(
      JSON.stringify({
        bench: 'batches',
        query: `batches(first:${PAGE}, orderBy BATCH_DATE DESC) + workCenter + units(first:${UNITS_PAGE})`,
        data: { workCenters: WORK_CENTERS, batches: BATCHES, unitsPerBatch: UNITS_PER_BATCH },
        concurrency: CONCURRENCY,
        seconds: SECONDS,
        graphql: gql,
        directSql: direct,
        ratio,
      }),
    );
  } finally {
    // Each step runs even when an earlier one fails; the database goes last.
    await pool?.end().catch((error: unknown) => console.error('closing the pool failed:', error));
    await app?.stop().catch((error: unknown) => console.error('stopping the app failed:', error));
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
