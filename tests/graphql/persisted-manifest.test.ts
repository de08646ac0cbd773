import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MANIFEST_PATH, manifestText } from '../../scripts/build-operations.js';

describe('src/graphql/persisted-operations.json', () => {
  it("is the manifest of the clients' current operations (run `npx tsx scripts/build-operations.ts`, part of `npm run build`)", async () => {
    expect(readFileSync(MANIFEST_PATH, 'utf8')).toBe(await manifestText());
  });
});
