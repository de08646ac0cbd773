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
import { runInNewContext } from 'node:vm';
import { build, version as esbuildVersion, type Metafile } from 'esbuild';
import { DASHBOARD_DIR } from './dashboard.js';

const root = join(import.meta.dirname, '..', '..');
const sourceDir = join(root, 'dashboard');
/** Where the service serves the dashboard from (dashboard.ts). */
export const DEFAULT_DASHBOARD_DIR = DASHBOARD_DIR;
/** Assets of previous builds older than this are removed. */
const PRUNE_AFTER_MS = 60 * 60 * 1000;
/**
 * The most minified JavaScript the whole dashboard may weigh (issue 18: < 250 KB): the entry and
 * every chunk, pages and the chart library included (source maps and the Russian and Romanian word
 * tables, fetched as JSON for the chosen language only, aside). tests/dashboard/dashboard.test.ts
 * fails a build above it.
 */
export const BUNDLE_BUDGET_BYTES = 250_000;
/** The languages whose words are emitted as JSON assets (dashboard/src/locales/<code>.ts), English being in the bundle. */
const FETCHED_LOCALES = ['ru', 'ro'] as const;
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
  /** The JSON word tables of the languages other than English, by language: file name under assets/ and size. */
  locales: Record<(typeof FETCHED_LOCALES)[number], { file: string; bytes: number }>;
  ms: number;
}

export async function buildDashboard(outDir: string = DEFAULT_DASHBOARD_DIR): Promise<DashboardBuild> {
  const started = performance.now();
  const assetsDir = join(outDir, 'assets');
  const locales = await buildLocales();
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(sourceDir, 'src/main.tsx'), join(sourceDir, 'styles.css')],
    outdir: assetsDir,
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    target: ['chrome100', 'firefox100', 'safari15'],
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    // Modules imported with import() (the history page's chart library) become chunks loaded on
    // first use, not part of the first load.
    splitting: true,
    // Maps beside the scripts, named by the SourceMap header the service sends (dashboard.ts), not by a comment in every chunk.
    sourcemap: 'external',
    legalComments: 'none',
    // Russian and Romanian words as UTF-8 (2 bytes a Cyrillic letter) rather than \uXXXX escapes
    // (6 bytes): the bundle is served as UTF-8 (dashboard.ts), and module scripts are read as UTF-8.
    charset: 'utf8',
    define: {
      'process.env.NODE_ENV': '"production"',
      __LOCALE_ASSETS__: JSON.stringify(Object.fromEntries(locales.map((l) => [l.locale, `/assets/${l.file}`]))),
    },
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
  for (const { file, json } of locales) {
    current.add(file);
    if (!existsSync(join(assetsDir, file))) await writeAtomically(join(assetsDir, file), json);
  }
  const template = await readFile(join(sourceDir, 'index.html'), 'utf8');
  // The first load's chunks are named in the page, so the browser fetches them beside the entry
  // instead of discovering them only once the entry has arrived and been parsed (one round trip less
  // before the first paint).
  const preloads = [...firstLoad].filter((name) => name !== script).sort().map((name) => `<link rel="modulepreload" href="/assets/${name}" />`).join('\n    ');
  const html = template.replaceAll('%SCRIPT%', `/assets/${script}`).replaceAll('%STYLESHEET%', `/assets/${stylesheet}`).replaceAll('%MODULEPRELOADS%', preloads);
  if (html === template) throw new Error('dashboard/index.html has no %SCRIPT% / %STYLESHEET% placeholders');
  await writeAtomically(join(outDir, 'index.html'), html);
  await writeAtomically(join(outDir, SOURCE_HASH_FILE), await sourceHash());
  await pruneOldAssets(assetsDir, current);
  return {
    outDir,
    script,
    stylesheet,
    scriptBytes,
    scriptGzipBytes,
    totalScriptBytes,
    locales: Object.fromEntries(locales.map((l) => [l.locale, { file: l.file, bytes: Buffer.byteLength(l.json) }])) as DashboardBuild['locales'],
    ms: Math.round(performance.now() - started),
  };
}

/**
 * The Russian and Romanian words as JSON, named by their content's hash: each locales/<code>.ts
 * (type-checked against the English keys) is bundled, evaluated, and its table serialized, so the
 * dashboard fetches data, not code, and only for the language chosen.
 */
async function buildLocales(): Promise<{ locale: (typeof FETCHED_LOCALES)[number]; file: string; json: string }[]> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: FETCHED_LOCALES.map((locale) => join(sourceDir, 'src/locales', `${locale}.ts`)),
    outdir: join(sourceDir, 'locales.out'), // not written: write is false
    bundle: true,
    // An IIFE whose value is the module: evaluated in a bare vm context, not import()ed from a data: URL (an import
    // whose module is computed, which tests/architecture/boundaries.test.ts refuses under src/).
    format: 'iife',
    globalName: 'locale',
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
  });
  return FETCHED_LOCALES.map((locale) => {
    const output = result.outputFiles.find((file) => basename(file.path) === `${locale}.js`);
    if (!output) throw new Error(`esbuild produced no output for dashboard/src/locales/${locale}.ts`);
    const module = runInNewContext(`${output.text};locale`, {}) as { default?: unknown };
    if (!module.default || typeof module.default !== 'object') throw new Error(`dashboard/src/locales/${locale}.ts exports no word table`);
    const json = JSON.stringify(module.default);
    const hash = createHash('sha256').update(json).digest('hex').slice(0, 10).toUpperCase();
    return { locale, file: `${locale}-${hash}.json`, json };
  });
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
