/**
 * Processes opening one embedded DATA_DIR at the same moment (a service and a CLI command started
 * together, a supervisor restarting beside an operator): exactly one gets it and the others are
 * refused, whether the directory is new or holds a stale lock that all of them would take over.
 * The winner keeps it until it releases; then the directory is free.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockFilePath } from '../../src/db/data-dir-lock.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const OPENERS = 4;

/** Waits for the start time, takes the lock, says "got" and holds it until stdin ends, or says "refused: …". */
const OPENER = `
  import { lockDataDir, DataDirLockedError } from './src/db/data-dir-lock.ts';
  const [dir, at] = process.argv.slice(-2);
  while (Date.now() < Number(at)) {}
  try {
    const lock = await lockDataDir(dir);
    console.log('got');
    process.stdin.resume();
    process.stdin.on('end', () => lock.release());
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    console.log('refused: ' + error.message);
  }`;

interface Opener {
  said: Promise<string>;
  exited: Promise<number | null>;
  release(): void;
}

function opener(dir: string, at: number): Opener {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', OPENER, dir, String(at)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const said = new Promise<string>((resolve) => child.stdout.on('data', (chunk: Buffer) => (out += chunk) && out.includes('\n') && resolve(out.trim())));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { said, exited, release: () => child.stdin.end() };
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe.each([
  ['a new DATA_DIR', (_dir: string) => {}],
  ['a DATA_DIR with a stale lock', (dir: string) => writeFileSync(lockFilePath(dir), JSON.stringify({ id: 'crashed', pid: 2 ** 22 + 1, startTime: '1', bootId: bootId(), since: '2026-01-01T00:00:00.000Z', command: 'x' }))],
])('%s opened by several processes at once', (_name, prepare) => {
  it(`gives it to exactly one; the others are refused; it is free once released`, { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stockline-lock-race-'));
    dirs.push(dir);
    prepare(dir);
    // Far enough ahead for every process to have loaded: they all try within the same millisecond.
    const at = Date.now() + 3000;
    const openers = Array.from({ length: OPENERS }, () => opener(dir, at));
    const said = await Promise.all(openers.map((o) => o.said));
    expect(said.filter((line) => line === 'got')).toHaveLength(1);
    expect(said.filter((line) => line.startsWith('refused: the embedded database'))).toHaveLength(OPENERS - 1);

    const winner = openers[said.indexOf('got')]!;
    expect(existsSync(lockFilePath(dir))).toBe(true);
    expect(JSON.parse(readFileSync(lockFilePath(dir), 'utf8')).id).not.toBe('crashed');
    winner.release();
    expect(await Promise.all(openers.map((o) => o.exited))).toEqual(Array(OPENERS).fill(0));
    expect(existsSync(lockFilePath(dir))).toBe(false);
  });
});

function bootId(): string {
  return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}
