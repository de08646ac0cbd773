import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { REQUEST_BODY_CAP } from '../../src/graphql/request-limits.plugin.js';

/**
 * The 25 MB cap on any request body, uploads included, that Yoga applied itself (maxRequestBodySize)
 * and useRequestBodyCap applies now, counting only bodies without a Content-Length.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const boundary = 'capboundary';
const FIELD = 1_000_000;
/**
 * A multipart request for `{ __typename }` carrying about `bytes` more in form fields of 1 MB (fields
 * nothing maps: a file part would be cut at UPLOAD_MAX_BYTES and the rest of the body left unread).
 */
function multipartParts(bytes: number): Uint8Array[] {
  const text = new TextEncoder();
  const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const parts = [text.encode(field('operations', JSON.stringify({ query: '{ __typename }' })) + field('map', '{}'))];
  const pad = 'x'.repeat(FIELD);
  for (let i = 0; i * FIELD < bytes; i++) parts.push(text.encode(field(`pad${i}`, pad)));
  parts.push(text.encode(`--${boundary}--\r\n`));
  return parts;
}

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...headers }, body, duplex: 'half' } as RequestInit);

describe('request body cap', () => {
  // First: a refused chunked upload leaves its connection unusable for the client's next request.
  it('serves bodies under the cap, with and without a Content-Length', async () => {
    const small = multipartParts(FIELD);
    expect(((await (await post(new Blob(small as BlobPart[]))).json()) as any).data).toEqual({ __typename: 'Query' });
    const json = JSON.stringify({ query: '{ __typename }' });
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(json));
        c.close();
      },
    });
    const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    expect(((await res.json()) as any).data).toEqual({ __typename: 'Query' });
  });

  it('refuses a body declared over the cap by its Content-Length with 413, before reading it', async () => {
    const res = await post(new Blob(multipartParts(REQUEST_BODY_CAP + 1) as BlobPart[]));
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
  });

  it('refuses a body without a Content-Length (chunked) once it passes the cap', async () => {
    const parts = multipartParts(REQUEST_BODY_CAP + 1024 * 1024);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = parts.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const res = await post(stream);
    const body = (await res.json()) as any;
    expect(body.data).toBeUndefined();
    expect(res.status).toBe(400);
    expect(body.errors[0].message).toMatch(/Request body too large/);
  });

});
