/**
 * A CPU profile of Stockline answering the batch page of bench/batches.bench.ts under load.
 *
 *   npx tsx bench/profile/batches.profile.ts <dir> [seconds=20] [connections=8] [--no-prof]
 *
 * Seeds a scratch PostgreSQL database as the bench does (BENCH_DATABASE_URL: an existing, already
 * seeded database to use instead, kept afterwards), starts Stockline (NODE_ENV=production, ROLE=api)
 * with `node --cpu-prof --cpu-prof-dir=<dir>`, drives it with autocannon after a 3 s warm-up, stops
 * it and prints bench/profile/cpuprofile-summary.ts of the profile. --no-prof only measures
 * (req/s, p99, process CPU per request): the quick loop while changing the read path.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { autocannon } from '../load-generator.js';
import { createScratchDatabase } from '../scratch-db.js';
import { migrateAndSeed, STOCKLINE_QUERY } from '../batches.data.js';
import { startChild } from './servers.js';

const profiling = !process.argv.includes('--no-prof');
const [dirArg, secondsArg, connectionsArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!dirArg) throw new Error('usage: batches.profile.ts <dir> [seconds] [connections] [--no-prof]');
const dir = resolve(dirArg);
const token = `stk_${randomBytes(32).toString('base64url')}`;
const existing = process.env.BENCH_DATABASE_URL;
const scratch = existing ? undefined : await createScratchDatabase('postgres://postgres@127.0.0.1:5432/postgres');
try {
  if (scratch) await migrateAndSeed(scratch.url);
  const env = {
    DATABASE_URL: existing ?? scratch!.url,
    LOG_LEVEL: 'warn',
    SANDBOX: 'false',
    MIGRATE_ON_START: 'false',
    NODE_ENV: 'production',
    ROLE: 'api',
    ADMIN_TOKEN: token,
    CREDENTIALS_KEY: randomBytes(32).toString('base64'),
    API_RATE_LIMIT_PER_MINUTE: '100000000',
  };
  const before = new Set(readdirSync(dir));
  const stockline = await startChild('src/main.ts', env, profiling ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [], '/healthz');
  let requests = 0;
  try {
    const load = (duration: number) =>
      autocannon({
        url: stockline.url,
        method: 'POST',
        connections: Number(connectionsArg ?? 8),
        duration,
        body: JSON.stringify({ query: STOCKLINE_QUERY }),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      });
    await load(3);
    const cpuBefore = stockline.cpuMs();
    const result = await load(Number(secondsArg ?? 20));
    requests = result.requests.total;
    const cpuMs = (stockline.cpuMs() - cpuBefore) / requests;
    console.log(`${result.requests.average} req/s, p99 ${result.latency.p99} ms, ${result.non2xx} non-2xx, ${result.errors} errors; ${cpuMs.toFixed(2)} ms of process CPU per request`);
  } finally {
    await stockline.stop();
  }
  if (profiling) {
    // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (tsx's loader is another).
    const written = readdirSync(dir).filter((f) => /\.0\.\d+\.cpuprofile$/.test(f) && !before.has(f));
    const newest = written.map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    if (!newest) throw new Error(`no main-thread profile written in ${dir}`);
    console.log(execFileSync(process.execPath, ['--import', 'tsx', new URL('./cpuprofile-summary.ts', import.meta.url).pathname, newest, '25', String(requests)], { encoding: 'utf8' }));
  }
} finally {
  await scratch?.drop();
}
