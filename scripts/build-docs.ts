/**
 * npm run build: the static API reference served at /docs (src/http/docs.ts), generated from
 * schema.graphql by GraphQL-Markdown (a Markdown page per type and operation) and rendered to
 * HTML with marked, into dist/docs. Before generation each mutation's description gains an
 * "Error codes" table read from the schema itself (its payload's `errors` type, that type's `code`
 * enum and the values' descriptions), and an examples page takes the README's GraphQL blocks.
 * Skipped when schema.graphql, README.md, this script and the generator are what the last build
 * read (dist/docs/.build-key). Built beside dist/docs and put in its place whole, so a reader (the
 * /docs route) never finds half a reference, and a build stopped half-way leaves the old one.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GraphQLEnumType, GraphQLObjectType, GraphQLUnionType, buildSchema, getNamedType, printSchema, type GraphQLField, type GraphQLNamedType } from 'graphql';
import { Marked } from 'marked';
import { ensureTool, toolDir } from '../src/cli/tool-package.js';
import { processRunning } from '../src/shared/process-running.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DOCS_DIR = join(ROOT, 'dist', 'docs');
const GENERATOR = '@graphql-markdown/cli';

/**
 * The generator lives in tools/docs (its own package.json and lock: about 100 packages the service
 * never loads, so the root install skips them), installed there on the first build.
 */
async function loadGenerator(): Promise<(options: object, cliOptions: object) => Promise<void>> {
  const dir = ensureTool('docs', GENERATOR);
  const entry = createRequire(join(dir, 'package.json')).resolve(GENERATOR);
  return ((await import(pathToFileURL(entry).href)) as { runGraphQLMarkdown: (options: object, cliOptions: object) => Promise<void> }).runGraphQLMarkdown;
}

/** The enum values a mutation may answer in its payload's `errors` (each error type's `code`), by name. */
export function errorCodesOf(field: GraphQLField<unknown, unknown>): { name: string; description: string }[] {
  const payload = getNamedType(field.type);
  const errorTypes: GraphQLNamedType[] = [];
  if (payload instanceof GraphQLObjectType && payload.getFields().errors) {
    const errors = getNamedType(payload.getFields().errors!.type);
    errorTypes.push(...(errors instanceof GraphQLUnionType ? errors.getTypes() : [errors]));
  } else if (payload instanceof GraphQLUnionType) {
    errorTypes.push(...payload.getTypes());
  }
  const codes = new Map<string, string>();
  for (const type of errorTypes) {
    const code = type instanceof GraphQLObjectType ? type.getFields().code : undefined;
    const codeType = code && getNamedType(code.type);
    if (!(codeType instanceof GraphQLEnumType)) continue;
    for (const value of codeType.getValues()) codes.set(value.name, value.description ?? '');
  }
  return [...codes].map(([name, description]) => ({ name, description }));
}

/** schema.graphql with every mutation's error codes appended to its description, as Markdown. */
function withErrorCodes(sdl: string): string {
  const schema = buildSchema(sdl);
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const codes = errorCodesOf(field);
    if (!codes.length) continue;
    const rows = codes.map((c) => `| \`${c.name}\` | ${c.description.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
    field.description = `${field.description ?? ''}\n\n## Error codes\n\nReturned in the payload's \`errors\` (the request itself succeeds):\n\n| code | when |\n| --- | --- |\n${rows.join('\n')}\n`;
  }
  return printSchema(schema);
}

/** The README's GraphQL blocks, each under the heading it appears in. */
function readmeExamples(readme: string): string {
  const parts: string[] = ['# Examples', '', 'From the README: paste them into GraphiQL at `/graphql` (with a token).', ''];
  let heading = '';
  const lines = readme.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^#{1,3} /.test(line)) heading = line.replace(/^#+ /, '');
    if (line.trim() !== '```graphql') continue;
    const end = lines.indexOf('```', i + 1);
    parts.push(`## ${heading}`, '', ...lines.slice(i, end + 1), '');
    i = end;
  }
  return parts.join('\n');
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Stockline API</title><link rel="stylesheet" href="/docs/docs.css"></head>
<body><header><a href="/docs">Stockline API reference</a> · <a href="/docs/examples">Examples</a> · <a href="/graphql">GraphiQL</a></header>
<main>${body}</main></body></html>
`;
}

const STYLES = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330}header{padding:.6rem 1.2rem;background:#1d2330}header a{color:#fff}
main{max-width:62rem;margin:0 auto;padding:1rem 1.2rem}pre{background:#f3f4f7;padding:.8rem;overflow:auto}code{font-size:.92em}
table{border-collapse:collapse}td,th{border:1px solid #d5d8e0;padding:.25rem .5rem;text-align:left;vertical-align:top}mark{background:#e8eefc;font-size:.75em;padding:0 .3em}
@media (prefers-color-scheme: dark){body{background:#14171f;color:#e3e6ee}pre{background:#20242f}td,th{border-color:#3a4050}mark{background:#2b3656;color:#e3e6ee}}`;

async function markdownFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && /\.mdx?$/.test(e.name)).map((e) => join(e.parentPath, e.name));
}

/** Builds started by this process, so two at once write apart. */
let builds = 0;

/** Builds dist/docs unless its key says it is current; returns what it did. */
export async function buildDocs(outDir = DOCS_DIR): Promise<{ ms: number; pages: number; cached: boolean }> {
  const started = performance.now();
  const [sdl, readme, script, generator] = await Promise.all([
    readFile(join(ROOT, 'schema.graphql'), 'utf8'),
    readFile(join(ROOT, 'README.md'), 'utf8'),
    readFile(fileURLToPath(import.meta.url), 'utf8'),
    // The generator's pinned versions: the key is checked without installing it.
    readFile(join(toolDir('docs'), 'package.json'), 'utf8'),
  ]);
  const key = createHash('sha256').update(sdl).update(readme).update(script).update(generator).digest('hex');
  const keyFile = join(outDir, '.build-key');
  if ((await readFile(keyFile, 'utf8').catch(() => '')) === key) {
    return { ms: Math.round(performance.now() - started), pages: (await readdir(outDir, { recursive: true })).filter((f) => String(f).endsWith('.html')).length, cached: true };
  }

  const work = await mkdtemp(join(tmpdir(), 'stockline-docs-'));
  // Written here, beside the served folder (the same file system, so it can be renamed into place),
  // named by this process and this build (a process may run two).
  const building = `${outDir}.${process.pid}-${++builds}.building`;
  try {
    await removeAbandonedBuilds(outDir);
    // A killed build of a process that had this pid (a restarted container's) may have left this very name.
    await rm(building, { recursive: true, force: true });
    const schemaFile = join(work, 'schema.graphql');
    const mdDir = join(work, 'md');
    await writeFile(schemaFile, withErrorCodes(sdl));
    const runGraphQLMarkdown = await loadGenerator();
    await runGraphQLMarkdown(
      { loaders: { GraphQLFileLoader: '@graphql-tools/graphql-file-loader' }, baseURL: 'docs', linkRoot: '/', rootPath: mdDir, homepage: false },
      { schema: schemaFile, root: mdDir, base: 'docs', link: '/', force: true, noSectionId: true, homepage: false },
    );
    // The generator writes under its base URL.
    const pagesDir = join(mdDir, 'docs');
    await writeFile(join(pagesDir, 'examples.md'), readmeExamples(readme));

    const marked = new Marked({ gfm: true });
    // Heading ids, so "#error-codes" and the generator's in-page links land somewhere.
    marked.use({
      renderer: {
        heading({ tokens, depth, text }) {
          const id = text.toLowerCase().replace(/<[^>]+>/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
          return `<h${depth} id="${id}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
        },
      },
    });
    const pages: { path: string; title: string }[] = [];
    for (const file of await markdownFiles(pagesDir)) {
      const source = await readFile(file, 'utf8');
      const front = /^---\n([\s\S]*?)\n---\n/.exec(source);
      const title = /^title:\s*(.+)$/m.exec(front?.[1] ?? '')?.[1] ?? /^# (.+)$/m.exec(source)?.[1] ?? 'Stockline API';
      const body = source.slice(front?.[0].length ?? 0);
      const path = relative(pagesDir, file).replace(/\.mdx?$/, '');
      const heading = /^#\s/m.test(body) ? '' : `<h1>${escapeHtml(title)}</h1>\n`;
      const target = join(building, `${path}.html`);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, layout(title, heading + (await marked.parse(body))));
      pages.push({ path, title });
    }
    // The index: every page, by section (operations/queries, types/objects, ...).
    const sections = new Map<string, { path: string; title: string }[]>();
    for (const p of pages.filter((p) => p.path.includes('/')).sort((a, b) => a.title.localeCompare(b.title))) {
      const section = dirname(p.path);
      sections.set(section, [...(sections.get(section) ?? []), p]);
    }
    const index = [...sections]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([section, list]) => `<h2>${escapeHtml(section.replace('/', ' · '))}</h2>\n<ul>${list.map((p) => `<li><a href="/docs/${p.path}">${escapeHtml(p.title)}</a></li>`).join('')}</ul>`)
      .join('\n');
    await writeFile(join(building, 'index.html'), layout('Reference', `<h1>Stockline API reference</h1>\n<p>Generated from <code>schema.graphql</code>. Start with the <a href="/docs/examples">examples</a>, or a type or operation below.</p>\n${index}`));
    await writeFile(join(building, 'docs.css'), STYLES);
    await writeFile(join(building, '.build-key'), key);
    await replace(outDir, building);
    return { ms: Math.round(performance.now() - started), pages: pages.length + 1, cached: false };
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(building, { recursive: true, force: true });
  }
}

/**
 * Puts the finished tree `building` where `outDir` is: the old one moves aside first, so the
 * folder is never a mix of two; a reader between the two renames finds none for an instant (the
 * route answers 503, retry). A build that finished first while this one ran keeps its place.
 */
async function replace(outDir: string, building: string): Promise<void> {
  const old = `${building}.old`;
  await rename(outDir, old).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  try {
    await rename(building, outDir);
  } catch (error) {
    // Another build put its whole tree there in between (from the same sources, or newer ones).
    if ((error as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(old, { recursive: true, force: true });
  }
}

/** Removes what builds killed half-way (`finally` never ran) left beside `outDir`: those of processes no longer running. */
async function removeAbandonedBuilds(outDir: string): Promise<void> {
  const prefix = `${basename(outDir)}.`;
  for (const entry of await readdir(dirname(outDir)).catch(() => [])) {
    const pid = entry.startsWith(prefix) ? /^(\d+)-\d+\.building(\.old)?$/.exec(entry.slice(prefix.length))?.[1] : undefined;
    if (pid && !processRunning(Number(pid))) await rm(join(dirname(outDir), entry), { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const built = await buildDocs();
  console.log(`API reference ${built.cached ? 'already current' : 'built'} in ${built.ms} ms: ${relative(process.cwd(), DOCS_DIR)} (${built.pages} pages)`);
}
