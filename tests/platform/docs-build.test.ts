// The API reference is rebuilt while the service may be serving it (a start after a schema change,
// a test run beside a running service, two test projects at once): a reader finds the whole old
// reference until the new one is whole, and a build stopped half-way (killed, a test timeout)
// leaves the old one as it was, never a half-written tree.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocs } from '../../scripts/build-docs.js';

const SCRIPT = resolve(import.meta.dirname, '../../scripts/build-docs.ts');
let root: string;
let outDir: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stockline-docs-build-'));
  outDir = join(root, 'docs');
  await buildDocs(outDir);
}, 180_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The pages an index links to that are not there (the index itself missing: ['index']). */
async function missingPages(dir: string): Promise<string[]> {
  const index = await readFile(join(dir, 'index.html'), 'utf8').catch(() => null);
  if (index === null) return ['index'];
  const files = new Set((await readdir(dir, { recursive: true })).map(String));
  return [...index.matchAll(/href="\/docs\/([a-z0-9/-]+)"/g)].map((m) => m[1]!).filter((link) => !files.has(`${link}.html`));
}

/** Whether a build has begun writing pages: into the folder itself, or beside it. */
async function writing(): Promise<boolean> {
  if (!existsSync(join(outDir, 'index.html'))) return true;
  for (const entry of await readdir(root)) {
    if (entry !== 'docs' && (await readdir(join(root, entry), { recursive: true }).catch(() => [])).some((f) => String(f).endsWith('.html'))) return true;
  }
  return false;
}

describe('rebuilding the API reference', () => {
  it('stopped half-way, leaves the reference it replaces whole and served', async () => {
    expect(await missingPages(outDir)).toEqual([]);
    await writeFile(join(outDir, '.build-key'), 'stale'); // as after a schema change
    const build = spawn(process.execPath, ['--import', 'tsx', '-e', `import(${JSON.stringify(SCRIPT)}).then((m) => m.buildDocs(${JSON.stringify(outDir)}))`], { stdio: 'ignore' });
    const exited = new Promise((r) => build.once('exit', r));
    while (!(await writing())) await new Promise((r) => setTimeout(r, 5));
    build.kill('SIGKILL');
    await exited;
    expect(await missingPages(outDir)).toEqual([]);
    // The next build finishes what the stopped one began, and leaves nothing of it behind.
    expect((await buildDocs(outDir)).cached).toBe(false);
    expect(await missingPages(outDir)).toEqual([]);
    expect(await readdir(root)).toEqual(['docs']);
  }, 180_000);

  it("never takes in what a killed build left under the name this build uses (a restarted container's same pid)", async () => {
    await writeFile(join(outDir, '.build-key'), 'stale');
    const leftovers = Array.from({ length: 50 }, (_, i) => `${outDir}.${process.pid}-${i + 1}.building`);
    for (const dir of leftovers) {
      await mkdir(join(dir, 'types', 'objects'), { recursive: true });
      await writeFile(join(dir, 'types', 'objects', 'ghost.html'), 'a page of a type the schema no longer has');
    }
    try {
      expect((await buildDocs(outDir)).cached).toBe(false);
      expect(existsSync(join(outDir, 'types', 'objects', 'ghost.html'))).toBe(false);
      expect(await missingPages(outDir)).toEqual([]);
    } finally {
      for (const dir of leftovers) await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('twice at the same moment into one folder, leaves one whole reference marked current', async () => {
    await writeFile(join(outDir, '.build-key'), 'stale');
    const [a, b] = await Promise.all([buildDocs(outDir), buildDocs(outDir)]);
    expect([a.cached, b.cached]).toEqual([false, false]);
    expect(await missingPages(outDir)).toEqual([]);
    expect((await buildDocs(outDir)).cached).toBe(true);
    expect(await readdir(root)).toEqual(['docs']);
  }, 180_000);
});
