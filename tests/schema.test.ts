import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printSchemaSdl } from '../src/graphql/print.js';

describe('schema.graphql', () => {
  it('is the printed SDL of the current schema (run `npm run schema:print` after a schema change)', () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(printSchemaSdl());
  });
});
