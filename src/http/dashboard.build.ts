/**
 * Builds the operator dashboard (dashboard/) into dist/dashboard: index.html plus content-hashed
 * assets (JS bundle with its source map, CSS) under assets/, so the server can cache assets forever
 * and only revalidate index.html.
 *
 *   npx tsx scripts/build-dashboard.ts      (`npm start`, `npm test` and `stockline serve` build
 *                                           through buildDashboardIfStale: only when the sources changed)
 *
 * It runs before every start and test run, possibly while a service of the same checkout is serving
 * the previous build, so it never leaves a file half-written: each file is written beside its
 * place and renamed over it, index.html last, and assets of older builds are only pruned once they
 * are old enough that no page loaded from them can still be asking.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { build, version as esbuildVersion, type Metafile } from 'esbuild';
import { DASHBOARD_DIR } from './dashboard.js';

const root = join(import.meta.dirname, '..', '..');
const sourceDir = join(root, 'dashboard');
/** Where the service serves the dashboard from (dashboard.ts). */
export const DEFAULT_DASHBOARD_DIR = DASHBOARD_DIR;
/** Assets of previous builds older than this are removed. */
const PRUNE_AFTER_MS = 60 * 60 * 1000;
/**
 * The most minified JavaScript the dashboard's first load may weigh (issue 18: < 250 KB): the shell
 * and the overview with every chunk they import; pages load their own chunks on first visit
 * (dashboard/src/pages.tsx). tests/dashboard/dashboard.test.ts fails a build above it.
 */
export const BUNDLE_BUDGET_BYTES = 250_000;
/** Beside index.html: the hash of what the build was made from (sourceHash). */
const SOURCE_HASH_FILE = '.source-hash';

export interface DashboardBuild {
  outDir: string;
  /** File names under assets/. */
  script: string;
  stylesheet: string;
  /** Minified JavaScript of the first load (the entry and the chunks it imports), and gzipped as served over a compressing proxy. */
  scriptBytes: number;
  scriptGzipBytes: number;
  /** Minified JavaScript of the whole dashboard: every page's chunk too (source maps aside). */
  totalScriptBytes: number;
  ms: number;
}

export async function buildDashboard(outDir: string = DEFAULT_DASHBOARD_DIR): Promise<DashboardBuild> {
  const started = performance.now();
  const assetsDir = join(outDir, 'assets');
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(sourceDir, 'src/main.tsx'), join(sourceDir, 'styles.css')],
    outdir: assetsDir,
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    // Modules imported with import() (the history page's chart library) become chunks loaded on
    // first use, not part of the first load.
    splitting: true,
    sourcemap: true,
    legalComments: 'none',
    // Russian and Romanian words as UTF-8 (2 bytes a Cyrillic letter) rather than \uXXXX escapes
    // (6 bytes): the bundle is served as UTF-8 (dashboard.ts), and module scripts are read as UTF-8.
    charset: 'utf8',
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    write: false,
    logLevel: 'silent',
  });

  const outputs = Object.entries(result.metafile.outputs);
  const entryOutput = (entry: string) => {
    const found = outputs.find(([, meta]) => meta.entryPoint === relative(root, join(sourceDir, entry)));
    if (!found) throw new Error(`esbuild produced no output for dashboard/${entry}`);
    return basename(found[0]);
  };
  const script = entryOutput('src/main.tsx');
  const stylesheet = entryOutput('styles.css');

  const scripts = result.outputFiles.filter((file) => file.path.endsWith('.js'));
  const firstLoad = staticClosure(result.metafile, outputs.find(([name]) => basename(name) === script)![0]);
  const firstScripts = scripts.filter((file) => firstLoad.has(basename(file.path)));
  const scriptBytes = firstScripts.reduce((sum, file) => sum + file.contents.byteLength, 0);
  const scriptGzipBytes = firstScripts.reduce((sum, file) => sum + gzipSync(file.contents).byteLength, 0);
  const totalScriptBytes = scripts.reduce((sum, file) => sum + file.contents.byteLength, 0);

  await mkdir(assetsDir, { recursive: true });
  const current = new Set<string>();
  for (const file of result.outputFiles) {
    const name = basename(file.path);
    current.add(name);
    // A hashed name already present holds these very bytes: leave it for whoever is reading it.
    if (!existsSync(file.path)) await writeAtomically(file.path, file.contents);
  }
  const template = await readFile(join(sourceDir, 'index.html'), 'utf8');
  const html = template.replaceAll('%SCRIPT%', `/assets/${script}`).replaceAll('%STYLESHEET%', `/assets/${stylesheet}`);
  if (html === template) throw new Error('dashboard/index.html has no %SCRIPT% / %STYLESHEET% placeholders');
  await writeAtomically(join(outDir, 'index.html'), html);
  await writeAtomically(join(outDir, SOURCE_HASH_FILE), await sourceHash());
  await pruneOldAssets(assetsDir, current);
  return { outDir, script, stylesheet, scriptBytes, scriptGzipBytes, totalScriptBytes, ms: Math.round(performance.now() - started) };
}

/** File names of an output and of every chunk it imports statically (what the browser fetches before running it). */
function staticClosure(metafile: Metafile, output: string): Set<string> {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(basename(path))) return;
    seen.add(basename(path));
    for (const imported of metafile.outputs[path]?.imports ?? []) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(output);
  return seen;
}

/**
 * Builds unless `outDir` already holds the build of the current sources: the pre-step of every
 * `npm start` then costs a hash of a few files instead of a bundle. Returns null when it skipped.
 */
export async function buildDashboardIfStale(outDir: string = DEFAULT_DASHBOARD_DIR): Promise<DashboardBuild | null> {
  const built = await readFile(join(outDir, SOURCE_HASH_FILE), 'utf8').catch(() => null);
  const html = await readFile(join(outDir, 'index.html'), 'utf8').catch(() => null);
  const assets = [...(html ?? '').matchAll(/\/assets\/([\w.-]+)/g)].map((m) => join(outDir, 'assets', m[1]!));
  const complete = html !== null && assets.length > 0 && assets.every((file) => existsSync(file));
  if (complete && built === (await sourceHash())) return null;
  return buildDashboard(outDir);
}

/** What a build depends on: the dashboard's files, the locked dependency versions (preact, urql), this build's code and esbuild. */
async function sourceHash(): Promise<string> {
  const hash = createHash('sha256').update(esbuildVersion);
  const files = [join(root, 'package-lock.json'), import.meta.filename, ...(await readdir(sourceDir, { recursive: true })).map((name) => join(sourceDir, name))];
  for (const file of files.sort()) {
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) continue;
    hash.update(relative(root, file)).update('\0').update(await readFile(file));
  }
  return hash.digest('hex');
}

async function writeAtomically(path: string, contents: string | Uint8Array) {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}

async function pruneOldAssets(assetsDir: string, keep: Set<string>) {
  const now = Date.now();
  for (const name of await readdir(assetsDir)) {
    if (keep.has(name)) continue;
    const path = join(assetsDir, name);
    const info = await stat(path).catch(() => null);
    if (info && now - info.mtimeMs > PRUNE_AFTER_MS) await rm(path, { force: true });
  }
}
