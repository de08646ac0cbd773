/**
 * The Prisma client and Pothos types in src/generated are committed, so neither `npm ci` nor a
 * first start generates them. `npm run generate` (after a schema change) installs the Prisma CLI
 * into tools/prisma on first use (it is 130 packages the service never loads) and runs it.
 *
 * `npm start` / `npm test` regenerate only when the client does not match prisma/schema.prisma and
 * the pinned Prisma. Regenerating rewrites the client under src/generated while other processes of
 * the same checkout may be loading it (two services started at once, a test run beside a running
 * service), and a half-written client hangs or crashes them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTool, pinnedVersion } from './tool-package.js';

const root = join(import.meta.dirname, '..', '..');

/**
 * Whether a generated client embeds `schema`. Prisma embeds the schema formatted (fields' columns
 * aligned), so runs of blanks do not count: an edit that leaves the columns ragged is still fresh.
 */
export function clientMatchesSchema(generated: string, schema: string): boolean {
  const start = generated.indexOf('"inlineSchema": "');
  if (start < 0) return false;
  let embedded: unknown;
  try {
    // The value is a JSON string literal ending at the first unescaped quote.
    embedded = JSON.parse(generated.slice(start + 16).match(/^"(?:[^"\\]|\\.)*"/)![0]);
  } catch {
    return false;
  }
  // Prisma's formatter aligns columns and collapses runs of blank lines: neither counts.
  const blanks = (text: string) => text.replace(/[ \t]+/g, ' ').replace(/ $/gm, '').replace(/\n{3,}/g, '\n\n').trim();
  return typeof embedded === 'string' && blanks(embedded) === blanks(schema);
}

/** Whether src/generated was generated from the current schema by the pinned Prisma. */
export function generatedClientIsFresh(): boolean {
  const client = join(root, 'src/generated/prisma/internal/class.ts');
  if (!existsSync(client) || !existsSync(join(root, 'src/generated/prisma/client.ts')) || !existsSync(join(root, 'src/generated/pothos-types.ts'))) return false;
  const generated = readFileSync(client, 'utf8');
  return generated.includes(`"clientVersion": ${JSON.stringify(pinnedVersion('prisma', 'prisma'))}`) && clientMatchesSchema(generated, readFileSync(join(root, 'prisma/schema.prisma'), 'utf8'));
}

/** `npm run generate` (run through npm, see generateIfStale): installs tools/prisma when missing or outdated, then generates src/generated. */
export function generateClient(): void {
  const tools = ensureTool('prisma', 'prisma');
  execFileSync(process.execPath, [join(tools, 'node_modules', 'prisma', 'build', 'index.js'), 'generate', '--no-hints', '--config', join(tools, 'prisma.config.ts')], {
    cwd: root,
    stdio: 'inherit',
    // No schema engine is needed to generate: this stops Prisma from downloading one (docs/adr/0002).
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true' },
  });
}

/** Regenerates the Prisma client and Pothos types unless they are fresh. */
export function generateIfStale(): void {
  // Through npm, which puts the root's node_modules/.bin on PATH: the Pothos generator named in
  // schema.prisma (`prisma-pothos-types`) is a binary of @pothos/plugin-prisma.
  if (!generatedClientIsFresh()) execFileSync('npm', ['run', 'generate', '--silent'], { cwd: root, stdio: 'inherit' });
}
