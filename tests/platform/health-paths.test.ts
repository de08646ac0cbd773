/**
 * Only /healthz and /readyz answer as health probes. graphql-yoga has a built-in liveness check
 * answering 200 to any URL that ends with its endpoint (`/health` by default), so a load balancer
 * probing a wrong path (`/api/sync/health`) was told "healthy" by a route that checks nothing.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('health probe paths', () => {
  it('answer /healthz and /readyz', async () => {
    const live = await fetch(`${t.url}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: expect.stringMatching(/^(OK|DEGRADED)$/), database: 'up' });
  });

  it.each(['/api/sync/health', '/health', '/graphql/health', '/healthz/health', '/x/healthz', '/x/readyz'])('GET %s is 404', async (path) => {
    const res = await fetch(`${t.url}${path}`);
    expect({ path, status: res.status, yogaHealthCheck: res.headers.get('x-yoga-id') }).toEqual({ path, status: 404, yogaHealthCheck: null });
  });

  // Trailing slashes, encoded slashes, query strings, HEAD, and a target starting with `//` (an
  // origin-form path, not a host: `//x/healthz` was parsed as host x, path /healthz, and said healthy).
  const variants = ['/health/', '/api/sync/health/', '/x/health', '/healthz/', '/readyz/', '/%2Fhealth', '/api%2Fsync%2Fhealth', '/x%2Fhealthz', '/health?probe=1', '/api/sync/health?next=/healthz', '//health', '//x/healthz', '//x/readyz', '//healthz'];
  it.each(variants.flatMap((path) => ['GET', 'HEAD'].map((method) => [method, path])))('%s %s is 404', async (method, path) => {
    const res = await fetch(`${t.url}${path}`, { method });
    expect(`${method} ${path} -> ${res.status}`).toBe(`${method} ${path} -> 404`);
  });

  it('a query string ending in /health is no health check either', async () => {
    // Yoga matched the end of the whole URL, query included: this was a 200 with an empty body.
    const res = await fetch(`${t.url}/graphql?probe=/health`, { headers: { accept: 'application/graphql-response+json' } });
    expect(res.headers.get('x-yoga-id')).toBeNull();
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: [{ message: 'Must provide query string.', extensions: { code: 'BAD_REQUEST' } }] });
  });

  it("Yoga's own check is set to a path no request can carry (Node refuses a space in the target)", async () => {
    const { port } = new URL(t.url);
    const head = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET / health check disabled HTTP/1.1\r\nHost: x\r\n\r\n'));
      let got = '';
      socket.on('data', (chunk) => (got += String(chunk)));
      socket.on('close', () => resolve(got));
      socket.on('error', reject);
    });
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
  });
});
