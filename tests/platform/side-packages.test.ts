/**
 * Packages outside the root install (tools/*, client-examples, bench/peers) install on first use.
 * Test files in parallel workers may need one at the same moment: exactly one `npm ci` must run,
 * the others wait for it instead of writing into the same node_modules at once.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

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

/** A process that asks for the package, with what it printed and how it ended. */
function ensureIn(dir: string): Promise<{ code: number | null; out: string }> {
  const script = `import { ensurePackage } from ${JSON.stringify(TOOL_PACKAGE)}; ensurePackage(${JSON.stringify(dir)}, 'tiny-lib');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk));
  return new Promise((done) => child.on('close', (code) => done({ code, out })));
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
