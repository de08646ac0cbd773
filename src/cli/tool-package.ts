/**
 * Tools kept out of the root install, so `npm install` carries only what the service and its tests
 * load: each is a folder tools/<name> with its own package.json (exact versions) and lock, installed
 * there by `npm ci` the first time a script needs it (`npm run generate`, the API reference build).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

/** tools/<name>. */
export function toolDir(name: string): string {
  return join(root, 'tools', name);
}

/** The version of `pkg` that tools/<name>/package.json pins. */
export function pinnedVersion(name: string, pkg: string): string {
  return (JSON.parse(readFileSync(join(toolDir(name), 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies[pkg]!;
}

/** tools/<name>, installed first unless `pkg` is there at its pinned version. */
export function ensureTool(name: string, pkg: string): string {
  const dir = toolDir(name);
  const manifest = join(dir, 'node_modules', pkg, 'package.json');
  const installed = existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version === pinnedVersion(name, pkg);
  if (!installed) {
    console.log(`installing tools/${name} (npm ci, once)…`);
    execFileSync('npm', ['ci', '--silent', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  }
  return dir;
}
