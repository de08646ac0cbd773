// The stockline command's code as one esbuild bundle (packages stay in node_modules), built from the
// TypeScript sources the first time they are run as they are and reused until one changes. Node
// loads it in half the CPU time tsx takes to compile the same modules one by one as they load,
// which was the largest part of a first start. Plain JavaScript: it runs before anything compiles TS.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const sources = join(root, 'src');
const bundles = join(root, 'dist', 'cli');
/** Bundles of older sources are removed once this old: a service started from one may still load its chunks. */
const PRUNE_AFTER_MS = 24 * 60 * 60 * 1000;

/** What the bundle is made from: every file under src/, the tsconfig, this file, esbuild's version and where the checkout is. */
function sourceHash(esbuildVersion) {
  const hash = createHash('sha256').update(`${esbuildVersion}\0${root}\0`);
  const files = readdirSync(sources, { recursive: true }).map((name) => join(sources, name));
  for (const file of [join(root, 'tsconfig.json'), import.meta.filename, ...files.sort()]) {
    if (!statSync(file).isFile()) continue;
    hash.update(file).update('\0').update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Each module's `import.meta.url`, `.dirname` and `.filename` become its own source file's, as
 * if it ran unbundled: the code finds files beside it (migrations, the persisted-operations
 * manifest, dist/) from them.
 */
const importMetaOfSource = {
  name: 'import-meta-of-source',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const contents = await readFile(path, 'utf8');
      if (!contents.includes('import.meta.')) return undefined;
      return {
        loader: 'ts',
        contents: contents
          .replaceAll('import.meta.dirname', JSON.stringify(dirname(path)))
          .replaceAll('import.meta.filename', JSON.stringify(path))
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href)),
      };
    });
  },
};

/** The path of an up-to-date bundle of src/cli/main.ts, building it when there is none. */
export async function bundledCli() {
  const { build, version } = await import('esbuild');
  const outDir = join(bundles, sourceHash(version));
  const entry = join(outDir, 'main.js');
  if (existsSync(entry)) return entry;
  // Built beside its place and renamed, so a process started at the same moment never loads half a bundle.
  const temporary = `${outDir}.${process.pid}.tmp`;
  await build({
    entryPoints: [join(sources, 'cli', 'main.ts')],
    outdir: temporary,
    bundle: true,
    // Each command, and the service behind `serve`, stays a chunk loaded when run.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // Names stay as written: error classes and log lines show them.
    keepNames: true,
    sourcemap: 'linked',
    plugins: [importMetaOfSource],
    logLevel: 'error',
  });
  await mkdir(bundles, { recursive: true });
  await rename(temporary, outDir).catch(async (error) => {
    // Another process built the same sources first: use its bundle.
    await rm(temporary, { recursive: true, force: true });
    if (!existsSync(entry)) throw error;
  });
  await prune(outDir);
  return entry;
}

async function prune(current) {
  for (const entry of readdirSync(bundles)) {
    const path = join(bundles, entry);
    if (path === current) continue;
    const info = await stat(path).catch(() => null);
    if (info && Date.now() - info.mtimeMs > PRUNE_AFTER_MS) await rm(path, { recursive: true, force: true });
  }
}
