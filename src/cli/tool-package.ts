/**
 * Packages kept out of the root install, so `npm install` carries only what the service, its build
 * and its tests load: each is a folder with its own package.json (exact versions) and lock,
 * installed there by `npm ci` the first time something needs it. tools/<name> holds tools
 * (the Prisma CLI for `npm run generate`, the API reference generator, knip for the dependency
 * test); client-examples/ holds the Apollo client its example and the operations manifest need;
 * bench/peers/ the servers and load generator the benchmarks use.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { processRunning } from '../shared/process-running.js';

const root = join(import.meta.dirname, '..', '..');

/** tools/<name>. */
export function toolDir(name: string): string {
  return join(root, 'tools', name);
}

/** The version of `pkg` that tools/<name>/package.json pins. */
export function pinnedVersion(name: string, pkg: string): string {
  const manifest = JSON.parse(readFileSync(join(toolDir(name), 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  return manifest.dependencies[pkg]!;
}

/** Installed at the version the folder's lockfile records. */
function isInstalled(dir: string, pkg: string): boolean {
  const manifest = join(dir, 'node_modules', pkg, 'package.json');
  if (!existsSync(manifest)) return false;
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version === lock.packages[`node_modules/${pkg}`]?.version;
}

/** A lock directory without its holder's pid this long after it was made: the holder died before writing it. */
const PIDLESS_LOCK_MS = 10_000;
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Whether `lock` was left by a holder that no longer runs (an install killed with Ctrl-C or by a
 * test timeout leaves it behind: `finally` does not run). A live holder keeps it however long its
 * `npm ci` takes.
 */
function abandoned(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
    return since !== undefined && Date.now() - since > PIDLESS_LOCK_MS;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false; // being written
  return !processRunning(pid);
}

/** Runs `work` holding `lock` (mkdir is atomic; the holder's pid inside), waiting while a live process holds it. */
function whileLocked(lock: string, work: () => void): void {
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      // Anything but "held" (a folder that is not there, not writable) would never clear: refuse it.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (abandoned(lock)) rmSync(lock, { recursive: true, force: true });
      else pause(200);
    }
  }
  try {
    writeFileSync(join(lock, 'pid'), String(process.pid));
    work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * `dir` (relative to the project root, or absolute), installed first unless `pkg` is there at the
 * version its lockfile records. Test files in parallel workers may ask at once: one installs, the
 * others wait for it.
 */
export function ensurePackage(relativeDir: string, pkg: string): string {
  const dir = resolve(root, relativeDir);
  if (isInstalled(dir, pkg)) return dir;
  whileLocked(join(dir, '.installing'), () => {
    if (isInstalled(dir, pkg)) return;
    console.log(`installing ${relativeDir} (npm ci, once)…`);
    execFileSync('npm', ['ci', '--silent', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
    if (!isInstalled(dir, pkg)) throw new Error(`${relativeDir}: npm ci did not install ${pkg} at the version package-lock.json records`);
  });
  return dir;
}

/** tools/<name>, installed first unless `pkg` is there at its pinned version. */
export function ensureTool(name: string, pkg: string): string {
  return ensurePackage(join('tools', name), pkg);
}

/** What `npm test` and the type check need beside the root install: the Apollo example's client and knip. */
export function ensureTestPackages(): void {
  ensurePackage('client-examples', '@apollo/client');
  ensureTool('knip', 'knip');
}
