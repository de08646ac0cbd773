/** A malformed percent-escape or a NUL in a file URL is a 404, not a 500 (URIError from decoding the id). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

it('answers 404 for file ids that do not decode or are not ids', async () => {
  for (const id of ['%E0%A4%A', '%', '%00', '%ED%A0%80', '00000000-0000-4000-8000-000000000000%00']) {
    const res = await fetch(`${t.url}/files/${id}`, { headers: { authorization: `Bearer ${t.adminToken}` } });
    expect([id, res.status]).toEqual([id, 404]);
  }
  expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
});
