/**
 * The API reference at /docs: generated from schema.graphql at build (scripts/build-docs.ts),
 * a page per type and operation, the README's examples, and each mutation's error codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocs } from '../scripts/build-docs.js';
import { startTestApp, type TestApp } from './helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  await buildDocs(); // cached by the schema's hash: a no-op after `npm run build`
  app = await startTestApp();
}, 180_000);
afterAll(async () => {
  await app?.close();
});

const page = async (path: string) => {
  const res = await fetch(`${app.url}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};

describe('GET /docs', () => {
  it('serves the index, linking a page per type, and the README examples', async () => {
    const index = await page('/docs');
    expect(index.status).toBe(200);
    expect(index.type).toMatch(/^text\/html/);
    expect(index.text).toContain('href="/docs/types/objects/batch"');
    expect(index.text).toContain('href="/docs/operations/mutations/create-batch"');
    const examples = await page('/docs/examples');
    expect(examples.status).toBe(200);
    expect(examples.text).toContain('createWorkCenter(input: { identifier: &quot;WC-1&quot;');
  });

  it("serves a type's page with its description", async () => {
    const batch = await page('/docs/types/objects/batch');
    expect(batch.status).toBe(200);
    expect(batch.text).toContain('A production batch (shift task): what was made, where, by whom, and its serialized units.');
    expect(batch.text).toContain('aggregatedUnitCount');
  });

  it("lists a mutation's error codes, with what each means, from its payload's error type", async () => {
    const createBatch = await page('/docs/operations/mutations/create-batch');
    expect(createBatch.status).toBe(200);
    expect(createBatch.text).toContain('<h2 id="error-codes">Error codes</h2>');
    expect(createBatch.text).toMatch(/<td><code>DUPLICATE_BATCH<\/code><\/td>\s*<td>[^<]+<\/td>/);
    expect(createBatch.text).toContain('<td><code>BATCH_ALREADY_CLOSED</code></td>');
  });

  it('answers 404 for a page that does not exist, and never leaves the docs folder', async () => {
    expect((await page('/docs/types/objects/no-such-type')).status).toBe(404);
    expect((await page('/docs/../package.json')).status).toBe(404);
    expect((await page('/docs/%2e%2e/%2e%2e/package.json')).status).toBe(404);
  });
});
