/**
 * One process at a time on an embedded database (DATA_DIR): `stockline token create` and
 * `stockline migrate` against a directory a running service holds are refused and change nothing;
 * a lock left by a process that is gone (SIGKILL, or a container restarted with the same pid) is
 * taken over with a line saying so. The database here is always the embedded one, whichever
 * project runs the file: the lock exists for it alone.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { lockFilePath } from '../../src/db/data-dir-lock.js';
import { killAllChildren, serviceEnv, startChildService } from '../helpers/child-service.js';
import { copyPgliteTemplate } from '../helpers/template-database.js';
import { runCli } from './run-cli.js';

const dirs: string[] = [];
/** An embedded DATA_DIR: a copy of the run's migrated template when there is one, else empty (the service migrates it). */
async function dataDir(): Promise<string> {
  const dir = (await copyPgliteTemplate('lock')) ?? (await mkdtemp(join(tmpdir(), 'stockline-lock-')));
  dirs.push(dir);
  return dir;
}

async function tokenCount(dir: string): Promise<number> {
  const db = await openDatabase({ dataDir: dir });
  try {
    return await db.prisma.apiToken.count();
  } finally {
    await db.close();
  }
}

/** The pid of a process that has already exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['-e', '']);
    proc.once('exit', () => resolve(proc.pid!));
  });
}

afterEach(killAllChildren);
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('a DATA_DIR held by a running service', () => {
  it('refuses `token create` and `migrate` with a clear message and exit 2, adding no token', { timeout: 240_000 }, async () => {
    const dir = await dataDir();
    const service = await startChildService({ env: serviceEnv({ DATA_DIR: dir }) });

    const token = await runCli(['token', 'create', '--role', 'ADMIN', '--name', 'second process'], { DATA_DIR: dir }, 120_000);
    expect(token.stdout).toBe('');
    expect(token.stderr).toMatch(new RegExp(`embedded database in .+ is in use by another process \\(pid ${service.pid}, started `));
    expect(token.stderr).toMatch(/Stop the service first/);
    expect(token.code).toBe(2);

    const migrate = await runCli(['migrate'], { DATA_DIR: dir }, 120_000);
    expect(migrate.stderr).toMatch(new RegExp(`is in use by another process \\(pid ${service.pid}, `));
    expect(migrate.code).toBe(2);

    // Still serving, and its stop releases the directory: the next opener finds only the bootstrap token.
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect(await service.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await tokenCount(dir)).toBe(1);
  });

  it('refuses a second start (`stockline serve`, what `npm start` runs) with the same message and no stack, exit 1', { timeout: 240_000 }, async () => {
    const dir = await dataDir();
    // The running service keeps its credentials key in the environment; the second start has none
    // and must not write one into the directory it is refused.
    const service = await startChildService({ env: serviceEnv({ DATA_DIR: dir, CREDENTIALS_KEY: randomBytes(32).toString('hex') }) });
    const before = readdirSync(dir).sort();

    const second = await runCli(['serve'], serviceEnv({ DATA_DIR: dir, LOG_FORMAT: 'json' }), 120_000);
    expect(second.stderr).toMatch(new RegExp(`^Stockline failed to start: the embedded database in .+ is in use by another process \\(pid ${service.pid}, `, 'm'));
    expect(second.stderr).toMatch(/Stop the other process first/);
    expect(second.stderr).not.toMatch(/\n\s+at /); // a refusal, not a crash: no stack trace
    expect(second.code).toBe(1);
    expect(second.stdout).not.toMatch(/is listening/);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  });

  it('refuses a process that cannot see the holder\'s pid (another container on the same volume)', { timeout: 240_000 }, async () => {
    const dir = await dataDir();
    const service = await startChildService({ env: serviceEnv({ DATA_DIR: dir }) });
    // What a process in another pid namespace (`docker compose run --rm app stockline migrate`
    // beside the running container) reads: a holder whose pid names no process of its own.
    const lock = JSON.parse(readFileSync(lockFilePath(dir), 'utf8'));
    writeFileSync(lockFilePath(dir), JSON.stringify({ ...lock, pid: await deadPid() }));

    const migrate = await runCli(['migrate'], { DATA_DIR: dir }, 120_000);
    expect(migrate.stderr).not.toMatch(/took over/);
    expect(migrate.stderr).toMatch(/is in use by another process/);
    expect(migrate.code).toBe(2);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  });
});

describe('a lock whose holder is gone', () => {
  it('left by a service killed with SIGKILL is taken over by the next service and the next command, which say so', { timeout: 240_000 }, async () => {
    const dir = await dataDir();
    const first = await startChildService({ env: serviceEnv({ DATA_DIR: dir }) });
    await first.kill('SIGKILL');
    expect(JSON.parse(readFileSync(lockFilePath(dir), 'utf8'))).toMatchObject({ pid: first.pid });

    const second = await startChildService({ env: serviceEnv({ DATA_DIR: dir }) });
    expect(second.logs()).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringMatching(new RegExp(`^took over the lock of process ${first.pid} \\(started .+\\), which is no longer running$`)) }));
    await second.kill('SIGKILL');

    const token = await runCli(['token', 'create', '--role', 'VIEWER'], { DATA_DIR: dir }, 120_000);
    expect(token.stderr).toMatch(new RegExp(`^stockline: took over the lock of process ${second.pid} \\(started .+\\), which is no longer running$`, 'm'));
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^stk_/);
    expect(await tokenCount(dir)).toBe(2);
  });

  it('naming a pid that is alive again but started at another time (a restarted container) is taken over', { timeout: 120_000 }, async () => {
    const dir = await dataDir();
    // This very process is alive; a lock naming it with another start time was not written by it.
    const lock = { id: 'restarted-container', pid: process.pid, startTime: '1', bootId: readBootId(), since: '2026-01-01T00:00:00.000Z', command: 'node src/main.ts' };
    writeFileSync(lockFilePath(dir), JSON.stringify(lock));
    const migrate = await runCli(['migrate'], { DATA_DIR: dir }, 120_000);
    expect(migrate.stderr).toMatch(new RegExp(`took over the lock of process ${process.pid} \\(started 2026-01-01T00:00:00.000Z\\), which is no longer running`));
    expect(migrate.code).toBe(0);
    // Released at exit: the next command opens it without a word about locks.
    const again = await runCli(['migrate'], { DATA_DIR: dir }, 120_000);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
  });

  it('naming a dead pid is taken over; one naming a live process as it started is not', { timeout: 120_000 }, async () => {
    const dir = await dataDir();
    const pid = await deadPid();
    writeFileSync(lockFilePath(dir), JSON.stringify({ id: 'crashed', pid, startTime: '12345', bootId: readBootId(), since: '2026-01-01T00:00:00.000Z', command: 'x' }));
    const taken = await runCli(['migrate'], { DATA_DIR: dir }, 120_000);
    expect(taken.stderr).toMatch(new RegExp(`took over the lock of process ${pid} `));
    expect(taken.code).toBe(0);

    // The test runner itself, recorded as the kernel knows it: alive, so the directory stays its.
    const mine = { id: 'live', pid: process.pid, startTime: ownStartTime(), bootId: readBootId(), since: new Date().toISOString(), command: 'vitest' };
    writeFileSync(lockFilePath(dir), JSON.stringify(mine));
    const refused = await runCli(['migrate'], { DATA_DIR: dir }, 120_000);
    expect(refused.stderr).toMatch(new RegExp(`is in use by another process \\(pid ${process.pid}, `));
    expect(refused.code).toBe(2);
    expect(JSON.parse(readFileSync(lockFilePath(dir), 'utf8'))).toEqual(mine);
  });
});

function readBootId(): string {
  return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}

/** Field 22 of /proc/self/stat: when this process started, in clock ticks since boot. */
function ownStartTime(): string {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}
