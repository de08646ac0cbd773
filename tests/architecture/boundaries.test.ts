/**
 * The import boundaries of src/ (rules: src/core/README.md). GraphQL is one layer on top of the
 * services: src/graphql/, the *.schema.ts files (types and resolvers of a domain) and the
 * *.plugin.ts files (Yoga plugins of a domain). Everything else is a service and must run without
 * GraphQL: it imports neither the layer nor a GraphQL library, so a CLI, a worker or a test can use
 * it alone. Runtime code never imports scripts/ (build and dev tools).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** The GraphQL layer: may import src/graphql/ and the GraphQL libraries. */
const isGraphqlLayer = (file: string) => file.startsWith('src/graphql/') || file.endsWith('.schema.ts') || file.endsWith('.plugin.ts');
/** Wiring: builds the HTTP server around the Yoga handler, so it imports the layer. */
const WIRING = new Set(['src/app.ts']);

/** graphql itself, every graphql-* package (graphql-yoga, graphql-ws, graphql-scalars...), Yoga's and Pothos' scopes. */
const GRAPHQL_PACKAGES = /^graphql(-[\w.-]+)?(\/|$)|^@graphql-yoga\/|^@pothos\//;
/**
 * Files outside the layer allowed a GraphQL package, each for a stated reason. The event bus is built
 * on Yoga's pub/sub packages, which have no GraphQL in them (no dependency on graphql).
 */
const PACKAGE_EXCEPTIONS: { file: RegExp; packages: RegExp; why: string }[] = [
  { file: /^src\/events\/(event-bus|shared-topics|redis-link|closing-stream)\.ts$/, packages: /^@graphql-yoga\/(subscription|typed-event-target)$/, why: 'GraphQL-free pub/sub' },
  { file: /^src\/generated\//, packages: /^@pothos\//, why: 'generated Pothos types' },
  { file: /^src\/cli\/api-client\.ts$/, packages: /^graphql(-ws)?$/, why: "the CLI's client of the GraphQL API" },
];

/**
 * Imports of scripts/ that another part of #13 removes (runtime never imports scripts/); each entry
 * must still be needed, so the list empties as they go.
 */
const PENDING_SCRIPT_IMPORTS = new Set<string>([]);

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = posix.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module a file names: static imports and re-exports, side-effect imports and dynamic import(). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

/** Dynamic import() calls whose module is computed (not one fixed string): the edges above cannot see them. */
function computedImportsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [spec] = node.arguments;
      if (!spec || !ts.isStringLiteralLike(spec)) found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} import(${spec?.getText() ?? ''})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A relative specifier as a path from the repository root; packages stay as they are. */
const resolved = (file: string, specifier: string) => (specifier.startsWith('.') ? posix.normalize(posix.join(posix.dirname(file), specifier)) : specifier);

const edges = sourceFiles('src').flatMap((file) => importsOf(file).map((specifier) => ({ file, specifier, target: resolved(file, specifier) })));
const show = (e: { file: string; specifier: string }) => `${e.file} -> ${e.specifier}`;

describe('import boundaries', () => {
  it('finds the sources and their imports', () => {
    expect(edges.length).toBeGreaterThan(500);
  });

  it('only the GraphQL layer (src/graphql/, *.schema.ts, *.plugin.ts) and app.ts import src/graphql/', () => {
    const bad = edges.filter((e) => e.target.startsWith('src/graphql/') && !isGraphqlLayer(e.file) && !WIRING.has(e.file));
    expect(bad.map(show)).toEqual([]);
  });

  it('services import no *.schema.ts or *.plugin.ts (they would bring GraphQL along)', () => {
    const bad = edges.filter((e) => /\.(schema|plugin)\.js$/.test(e.target) && !isGraphqlLayer(e.file) && !WIRING.has(e.file));
    expect(bad.map(show)).toEqual([]);
  });

  it("services import nothing from 'graphql', any 'graphql-*' package, '@graphql-yoga/*' or '@pothos/*'", () => {
    const bad = edges.filter(
      (e) =>
        GRAPHQL_PACKAGES.test(e.specifier) &&
        !isGraphqlLayer(e.file) &&
        !WIRING.has(e.file) &&
        !PACKAGE_EXCEPTIONS.some((x) => x.file.test(e.file) && x.packages.test(e.specifier)),
    );
    expect(bad.map(show)).toEqual([]);
  });

  it('runtime code under src/ never imports scripts/', () => {
    const found = edges.filter((e) => e.target.startsWith('scripts/')).map((e) => `${e.file} -> ${e.target}`);
    expect(found.filter((edge) => !PENDING_SCRIPT_IMPORTS.has(edge))).toEqual([]);
    // A pending entry whose import is gone: remove it from PENDING_SCRIPT_IMPORTS.
    expect([...PENDING_SCRIPT_IMPORTS].filter((edge) => !found.includes(edge))).toEqual([]);
  });

  it("a DomainError is built only by its domain's helper in a *.errors.ts (or in src/core)", () => {
    // The helper types the code by its domain, so another domain's code (which this domain's
    // GraphQL error enum cannot represent) does not compile.
    const found = sourceFiles('src').filter((file) => /\bnew DomainError\b/.test(readFileSync(join(root, file), 'utf8')));
    expect(found.filter((file) => !file.endsWith('.errors.ts') && !file.startsWith('src/core/'))).toEqual([]);
  });

  it('no import() under src/ computes its module (the rules above could not see where it leads)', () => {
    expect(sourceFiles('src').flatMap(computedImportsOf)).toEqual([]);
  });

  it('within src/, only src/main.ts imports src/app.ts (the CLI starts the service through main.ts; tests build it in tests/helpers)', () => {
    const bad = edges.filter((e) => e.target === 'src/app.js' && e.file !== 'src/main.ts');
    expect(bad.map(show)).toEqual([]);
  });
});
