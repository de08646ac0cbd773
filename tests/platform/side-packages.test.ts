/**
 * Packages outside the root install (tools/*, client-examples, bench/peers) install on first use.
 * Test files in parallel workers may need one at the same moment: exactly one `npm ci` must run,
 * the others wait for it instead of writing into the same node_modules at once.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const TOOL_PACKAGE = join(ROOT, 'src', 'cli', 'tool-package.ts');

/** A folder depending on a local tarball (no registry needed), with its lockfile. */
async function sidePackage(): Promise<string> {
  const base = mkdtempSync(join(tmpdir(), 'side-package-'));
  await mkdir(join(base, 'lib'));
  writeFileSync(join(base, 'lib', 'package.json'), JSON.stringify({ name: 'tiny-lib', version: '1.2.3', main: 'index.js' }));
  writeFileSync(join(base, 'lib', 'index.js'), 'module.exports = 42;\n');
  execFileSync('npm', ['pack', '--silent', '--pack-destination', base], { cwd: join(base, 'lib') });
  await mkdir(join(base, 'side'));
  writeFileSync(join(base, 'side', 'package.json'), JSON.stringify({ name: 'side', private: true, dependencies: { 'tiny-lib': 'file:../tiny-lib-1.2.3.tgz' } }));
  execFileSync('npm', ['install', '--package-lock-only', '--silent', '--no-audit', '--no-fund'], { cwd: join(base, 'side') });
  return join(base, 'side');
}

/** Processes started here that may still run when a test ends (a hung install): ended with their group. */
const started = new Set<number>();
afterEach(() => {
  for (const pid of started) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  started.clear();
});

/** A process that asks for the package, with what it printed and how it ended; `onOutput` sees its output as it comes. */
function ensureIn(dir: string, options: { env?: NodeJS.ProcessEnv; onOutput?: (out: string, pid: number) => void } = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  const script = `import { ensurePackage } from ${JSON.stringify(TOOL_PACKAGE)}; ensurePackage(${JSON.stringify(dir)}, 'tiny-lib');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
    detached: true,
  });
  started.add(child.pid!);
  let out = '';
  const collect = (chunk: Buffer) => {
    out += chunk;
    options.onOutput?.(out, child.pid!);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise((done) => child.on('close', (code, signal) => done({ code, signal, out })));
}

it('installs once when three processes need the same package at the same moment', async () => {
  const dir = await sidePackage();
  const runs = await Promise.all([ensureIn(dir), ensureIn(dir), ensureIn(dir)]);
  expect(runs.map((run) => run.code), runs.map((run) => run.out).join('\n')).toEqual([0, 0, 0]);
  expect(runs.filter((run) => run.out.includes('installing')).length).toBe(1);
  expect(JSON.parse(readFileSync(join(dir, 'node_modules', 'tiny-lib', 'package.json'), 'utf8'))).toMatchObject({ version: '1.2.3' });
  // Installed now: a later caller finds it and installs nothing.
  expect((await ensureIn(dir)).out).not.toContain('installing');
}, 120_000);

it('installs after an installer was killed mid-install, without waiting for its lock to age', async () => {
  const dir = await sidePackage();
  // An `npm` that never finishes, so the first process is killed while it holds the lock.
  const bin = mkdtempSync(join(tmpdir(), 'hung-npm-'));
  writeFileSync(join(bin, 'npm'), '#!/bin/sh\nexec sleep 600\n');
  chmodSync(join(bin, 'npm'), 0o755);
  const killed = await ensureIn(dir, {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    onOutput: (out, pid) => {
      if (out.includes('installing')) process.kill(-pid, 'SIGKILL');
    },
  });
  expect(killed.signal, killed.out).toBe('SIGKILL');
  const next = await ensureIn(dir);
  expect(next.code, next.out).toBe(0);
  expect(next.out).toContain('installing');
  expect(JSON.parse(readFileSync(join(dir, 'node_modules', 'tiny-lib', 'package.json'), 'utf8'))).toMatchObject({ version: '1.2.3' });
}, 120_000);

it('refuses a folder it cannot lock instead of waiting for ever', async () => {
  const missing = join(mkdtempSync(join(tmpdir(), 'side-package-')), 'not-there');
  const run = await ensureIn(missing);
  expect(run.code, run.out).not.toBe(0);
  expect(run.out).toContain('ENOENT');
}, 120_000);
