/**
 * Every lockfile says where each registry package's tarball is (`resolved`). Without it `npm ci`
 * asks the registry for every package's metadata first, to learn the URL: 698 requests and three
 * times the CPU for the root install, most of a first start (issue 15 item 9). This machine's
 * global npmrc sets omit-lockfile-registry-resolved; each project's .npmrc turns it off again so
 * an `npm install` keeps the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PROJECTS = ['.', 'client-examples', 'tools/prisma', 'tools/docs', 'tools/knip', 'bench/peers'];

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
}

it.each(PROJECTS)('%s: the lockfile records every registry tarball, and .npmrc keeps it so', (project) => {
  const lock = JSON.parse(readFileSync(join(ROOT, project, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const unresolved = Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && !entry.link && !entry.resolved)
    .map(([path]) => path);
  expect(unresolved).toEqual([]);
  const npmrc = join(ROOT, project, '.npmrc');
  expect(existsSync(npmrc) ? readFileSync(npmrc, 'utf8') : '').toMatch(/^omit-lockfile-registry-resolved=false$/m);
});
