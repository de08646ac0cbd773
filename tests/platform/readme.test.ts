/**
 * README.md is the operator's manual: its configuration tables name every variable the service
 * reads, its links stay inside the repository (a clone has nothing beside it), and it has the
 * operations section (backup, restore, upgrade, TLS proxy, PUBLIC_URL).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../src/env.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** Every markdown table of the README: its header cells and its rows' cells. */
function tables(markdown: string): { header: string[]; rows: string[][] }[] {
  const cells = (line: string) => line.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((cell) => cell.trim());
  const isRow = (line: string | undefined): line is string => line?.trim().startsWith('|') ?? false;
  const lines = markdown.split('\n');
  const found: { header: string[]; rows: string[][] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = lines[i];
    if (!isRow(head) || !/^\s*\|?\s*:?-{3,}/.test(lines[i + 1] ?? '')) continue;
    const table = { header: cells(head).map((h) => h.toLowerCase()), rows: [] as string[][] };
    for (i += 2; isRow(lines[i]); i++) table.rows.push(cells(lines[i]!));
    found.push(table);
  }
  return found;
}

const variableNames = (cell: string) => [...cell.matchAll(/`([A-Z][A-Z0-9_]*[A-Z0-9])`/g)].map((m) => m[1]!);

/** Names documented: first column of the `| variable | … |` tables, and the `environment` column of the channel tables. */
function documentedVariables(): Set<string> {
  const names = new Set<string>();
  for (const { header, rows } of tables(README)) {
    const column = header[0] === 'variable' ? 0 : header.findIndex((h) => h.startsWith('environment'));
    if (column < 0) continue;
    for (const row of rows) for (const name of variableNames(row[column] ?? '')) names.add(name);
  }
  return names;
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Variables the service reads: the configuration schema, and any `process.env.X` / `env.X` in src/ and bin/. */
function readVariables(): Set<string> {
  const names = new Set(Object.keys(envSchema.shape));
  for (const file of [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'bin'))]) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\benv(?:\.|\[['"`])([A-Z][A-Z0-9_]*)\b/g)) names.add(m[1]!);
  }
  return names;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
const anchorOf = (heading: string) =>
  heading
    .replace(/`/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

describe('README.md', () => {
  it('lists every variable the service reads in a configuration table', () => {
    const documented = documentedVariables();
    const read = readVariables();
    // Sanity of the two parsers, so that neither can pass by finding nothing.
    expect(read.size).toBeGreaterThan(50);
    expect(documented).toContain('DATABASE_URL');
    expect(documented).toContain('EMAG_FBE_PASSWORD');
    expect([...read].filter((name) => !documented.has(name)).sort()).toEqual([]);
  });

  it('documents no variable the service does not read', () => {
    const read = readVariables();
    expect([...documentedVariables()].filter((name) => !read.has(name)).sort()).toEqual([]);
  });

  it('links only to files inside the repository that exist, and to its own headings', () => {
    const headings = new Set([...README.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => anchorOf(m[1]!.trim())));
    const targets = [
      ...[...README.matchAll(/\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
      ...[...README.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!),
      ...[...README.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((m) => m[1]!),
    ];
    expect(targets.length).toBeGreaterThan(0);
    const broken = targets.filter((target) => {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return false; // https:, mailto:
      const [path = '', anchor = ''] = target.split('#');
      if (!path) return !headings.has(anchor);
      const file = resolve(ROOT, decodeURIComponent(path));
      const inside = !relative(ROOT, file).startsWith('..') && !isAbsolute(relative(ROOT, file)) && !path.startsWith('/');
      return !inside || !existsSync(file);
    });
    expect(broken).toEqual([]);
    // Paths written as code count too: a reader follows them just the same.
    expect([...README.matchAll(/`(\.\.\/[^`]*)`/g)].map((m) => m[1]!)).toEqual([]);
  });

  it('and the documents beside it name no file outside the repository (a clone has nothing beside it)', () => {
    const documents = ['docs', 'client-examples'].flatMap((dir) => markdownFiles(join(ROOT, dir)));
    expect(documents.length).toBeGreaterThan(5);
    const outside = documents.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?<![\w/.])((?:\.\.\/)+[\w./-]+)/g)]
        .map((m) => m[1]!)
        .filter((path) => {
          const target = resolve(dirname(file), path);
          return relative(ROOT, target).startsWith('..') || !existsSync(target);
        })
        .map((path) => `${relative(ROOT, file)}: ${path}`),
    );
    expect(outside).toEqual([]);
  });

  it('has an operations section: backup and restore, upgrade, a TLS proxy, PUBLIC_URL', () => {
    const start = README.indexOf('\n## Operations');
    expect(start).toBeGreaterThan(0);
    const end = README.indexOf('\n## ', start + 1);
    const section = README.slice(start, end < 0 ? undefined : end);
    const subsections = [...section.matchAll(/^### (.+)$/gm)].map((m) => m[1]!);
    expect(subsections).toEqual(expect.arrayContaining([expect.stringMatching(/backup/i), expect.stringMatching(/upgrad/i), expect.stringMatching(/proxy/i), expect.stringMatching(/PUBLIC_URL/)]));
    for (const needed of ['pg_dump', 'pg_restore', 'credentials.key', 'CREDENTIALS_KEY', 'db:migrate', 'Upgrade', 'PUBLIC_URL']) expect(section).toContain(needed);
  });
});
