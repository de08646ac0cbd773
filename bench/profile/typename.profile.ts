/**
 * A CPU profile of Stockline answering `{ __typename }` with a token under load.
 *
 *   npx tsx bench/profile/typename.profile.ts <dir> [seconds=20] [connections=8] [--bare]
 *
 * Starts Stockline (NODE_ENV=production, ROLE=api, scratch PostgreSQL database, as
 * bench/typename.bench.ts does) with `node --cpu-prof --cpu-prof-dir=<dir>`, drives it with autocannon,
 * stops it (the profile is written on exit) and prints bench/profile/cpuprofile-summary.ts of it.
 * With --bare the bare graphql-yoga server of the bench (bench/profile/bare-yoga.ts) is profiled
 * instead, the floor to compare with.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { autocannon } from '../load-generator.js';
import { createScratchDatabase } from '../scratch-db.js';
import { startChild } from './servers.js';

const bareOnly = process.argv.includes('--bare');
const [dirArg, secondsArg, connectionsArg] = process.argv.slice(2).filter((a) => a !== '--bare');
if (!dirArg) throw new Error('usage: typename.profile.ts <dir> [seconds] [connections]');
const dir = resolve(dirArg);
const token = `stk_${randomBytes(32).toString('base64url')}`;
const scratch = await createScratchDatabase(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
try {
  const env = { DATABASE_URL: scratch.url, LOG_LEVEL: 'warn', SANDBOX: 'false', NODE_ENV: 'production', ROLE: 'api', ADMIN_TOKEN: token, CREDENTIALS_KEY: randomBytes(32).toString('base64'), API_RATE_LIMIT_PER_MINUTE: '100000000' };
  const before = new Set(readdirSync(dir));
  const profiling = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
  const stockline = bareOnly ? await startChild('bench/profile/bare-yoga.ts', {}, profiling, '/health') : await startChild('src/main.ts', env, profiling, '/healthz');
  let requests = 0;
  const cpuBefore = stockline.cpuMs();
  try {
    const result = await autocannon({
      url: stockline.url,
      method: 'POST',
      connections: Number(connectionsArg ?? 8),
      duration: Number(secondsArg ?? 20),
      body: JSON.stringify({ query: '{ __typename }' }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });
    requests = result.requests.total;
    const cpuUs = ((stockline.cpuMs() - cpuBefore) * 1000) / requests;
    console.log(`${result.requests.average} req/s, p99 ${result.latency.p99} ms, ${result.non2xx} non-2xx; ${cpuUs.toFixed(0)} µs of process CPU per request`);
  } finally {
    await stockline.stop();
  }
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (tsx's loader is another).
  const written = readdirSync(dir).filter((f) => /\.0\.\d+\.cpuprofile$/.test(f) && !before.has(f));
  const newest = written.map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!newest) throw new Error(`no main-thread profile written in ${dir}`);
  console.log(execFileSync(process.execPath, ['--import', 'tsx', new URL('./cpuprofile-summary.ts', import.meta.url).pathname, newest, '15', String(requests)], { encoding: 'utf8' }));
} finally {
  await scratch.drop();
}
