/**
 * The Prisma client and Pothos types in src/generated are what `npm start` and `npm test` load.
 * A first start must not regenerate them (that needs the Prisma CLI, see tools/prisma), so the
 * copy in the repository is the one generated from prisma/schema.prisma by the pinned Prisma.
 * `.ci/run` also regenerates and compares byte for byte; this test catches the common slip (the
 * schema edited, `npm run generate` forgotten) in the unit run.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientMatchesSchema, generatedClientIsFresh } from '../../src/cli/generate-if-stale.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const schema = readFileSync(join(ROOT, 'prisma/schema.prisma'), 'utf8');
const client = readFileSync(join(ROOT, 'src/generated/prisma/internal/class.ts'), 'utf8');

describe('src/generated', () => {
  it('was generated from prisma/schema.prisma by the Prisma version tools/prisma pins (else: npm run generate)', () => {
    expect(generatedClientIsFresh()).toBe(true);
  });

  it('runs on the @prisma/client runtime of the Prisma version that generated it', () => {
    const generatedBy = /"clientVersion": "([^"]+)"/.exec(client)?.[1];
    const runtime = (JSON.parse(readFileSync(join(ROOT, 'node_modules/@prisma/client/package.json'), 'utf8')) as { version: string }).version;
    const pinned = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies['@prisma/client'];
    expect({ runtime, pinned }).toEqual({ runtime: generatedBy, pinned: generatedBy });
  });

  it('counts as fresh whatever the alignment of the schema (Prisma embeds it formatted)', () => {
    const realigned = schema.replace(/^([ \t]+\w+)[ \t]+(\S)/gm, '$1 $2');
    expect(realigned).not.toBe(schema);
    expect(clientMatchesSchema(client, realigned)).toBe(true);
    // Two blank lines where the formatter keeps one (a merge left one in the stock pool's models).
    expect(clientMatchesSchema(client, schema.replace('\n\nmodel ', '\n\n\nmodel '))).toBe(true);
  });

  it('counts as stale when the schema says anything else', () => {
    expect(clientMatchesSchema(client, schema.replace('model Order {', 'model Order {\n  note String?'))).toBe(false);
    expect(clientMatchesSchema(client, `${schema}\n// a comment\n`)).toBe(false);
  });
});
