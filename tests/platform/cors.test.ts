/**
 * CORS: browsers on other sites read the API's answers only from allowed origins (CORS_ORIGINS;
 * by default the service's own origin, PUBLIC_URL's, and localhost in development). Yoga's
 * default reflected every Origin. WebSocket upgrades follow the same list: browsers send Origin
 * on them too and no CORS check applies, so a disallowed Origin is refused (403) there.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/env.js';
import { corsOriginPolicy } from '../../src/http/cors.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const ALLOWED = 'https://shop.example.com';
const EVIL = 'https://evil.example';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ CORS_ORIGINS: `${ALLOWED}, http://localhost:*` });
});
afterAll(async () => {
  await t?.close();
});

const corsHeaders = (res: Response) => Object.fromEntries([...res.headers].filter(([name]) => name.startsWith('access-control-')));
const preflight = (origin: string) =>
  fetch(`${t.url}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });
const post = (origin: string) =>
  fetch(`${t.url}/graphql`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });

describe('CORS over HTTP', () => {
  it('a disallowed origin gets no CORS headers, on the preflight and on the request', async () => {
    const pre = await preflight(EVIL);
    expect(corsHeaders(pre)).toEqual({});
    const res = await post(EVIL);
    expect(corsHeaders(res)).toEqual({});
    // The request itself is answered (CORS only decides what a browser lets the page read).
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('an allowed origin gets them, for itself only, and no cookies are invited', async () => {
    const pre = await preflight(ALLOWED);
    expect(pre.status).toBe(204);
    expect(corsHeaders(pre)).toMatchObject({
      'access-control-allow-origin': ALLOWED,
      'access-control-allow-methods': expect.stringContaining('POST'),
      'access-control-allow-headers': expect.stringMatching(/authorization/i),
    });
    expect(corsHeaders(pre)['access-control-allow-credentials']).toBeUndefined();
    expect(pre.headers.get('vary')).toMatch(/\bOrigin\b/i);
    const res = await post(ALLOWED);
    expect(corsHeaders(res)).toMatchObject({ 'access-control-allow-origin': ALLOWED });
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/i);
  });

  it('a port wildcard allows any port of that host, nothing else', async () => {
    expect(corsHeaders(await post('http://localhost:5173'))).toMatchObject({ 'access-control-allow-origin': 'http://localhost:5173' });
    expect(corsHeaders(await post('https://localhost:5173'))).toEqual({});
    expect(corsHeaders(await post('http://localhost.evil.example:5173'))).toEqual({});
  });

  it('a disallowed origin gets none on GET and on a server-sent event stream either', async () => {
    const get = await fetch(`${t.url}/graphql?query=%7B__typename%7D`, { headers: { origin: EVIL } });
    expect(get.status).toBe(200);
    expect(corsHeaders(get)).toEqual({});
    const sse = await fetch(`${t.url}/graphql?query=%7B__typename%7D`, { headers: { origin: EVIL, accept: 'text/event-stream' } });
    expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(corsHeaders(sse)).toEqual({});
    await sse.body?.cancel();
    expect(corsHeaders(await fetch(`${t.url}/graphql`, { method: 'OPTIONS', headers: { origin: EVIL, 'access-control-request-method': 'GET' } }))).toEqual({});
  });

  it('an Origin that is not an origin as browsers send it (a path, a trailing slash or dot, uppercase, a default or other port, user info, "null") gets none', async () => {
    const malformed = [`${ALLOWED}/`, `${ALLOWED}/path`, `${ALLOWED}.`, ALLOWED.toUpperCase(), `${ALLOWED}:443`, `${ALLOWED}:8443`, 'https://user@shop.example.com', 'http://LOCALHOST:5173', `${t.url}/dashboard`, 'null'];
    const answered = await Promise.all(malformed.map(async (origin) => [origin, corsHeaders(await post(origin))] as const));
    expect(answered.filter(([, headers]) => Object.keys(headers).length).map(([origin]) => origin)).toEqual([]);
  });

  it("the service's own origin (the dashboard, GraphiQL) is allowed", async () => {
    expect(corsHeaders(await post(t.url))).toMatchObject({ 'access-control-allow-origin': t.url });
  });
});

describe('WebSocket upgrades', () => {
  const upgrade = (origin?: string) =>
    new Promise<number>((resolve) => {
      const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', origin ? { origin } : {});
      socket.on('open', () => {
        socket.close();
        resolve(101);
      });
      socket.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        socket.terminate();
      });
      socket.on('error', () => {});
    });

  it('from a disallowed or malformed origin are refused with 403', async () => {
    expect(await upgrade(EVIL)).toBe(403);
    expect(await upgrade(`${ALLOWED}/path`)).toBe(403);
    expect(await upgrade('null')).toBe(403);
  });

  it('from an allowed origin, the own origin, or no browser at all (no Origin) are accepted', async () => {
    expect(await upgrade(ALLOWED)).toBe(101);
    expect(await upgrade(t.url)).toBe(101);
    expect(await upgrade()).toBe(101);
  });
});

describe('default allow-list', () => {
  const allows = (vars: Record<string, string>, origin: string, host = 'api.internal:4000') => corsOriginPolicy(parseEnv(vars))(origin, host);

  it('development allows localhost and 127.0.0.1 on any port, production does not', () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'http://[::1]:8080']) {
      expect(allows({ NODE_ENV: 'development' }, origin)).toBe(true);
      expect(allows({ NODE_ENV: 'production' }, origin)).toBe(false);
    }
    expect(allows({ NODE_ENV: 'development' }, EVIL)).toBe(false);
  });

  it("PUBLIC_URL's origin and the request's own host are allowed everywhere", () => {
    expect(allows({ NODE_ENV: 'production', PUBLIC_URL: 'https://stock.example.com/base' }, 'https://stock.example.com')).toBe(true);
    expect(allows({ NODE_ENV: 'production' }, 'https://api.internal:4000')).toBe(true);
    expect(allows({ NODE_ENV: 'production' }, 'https://api.internal:4001')).toBe(false);
  });

  it('CORS_ORIGINS replaces the development default; * allows every origin; "null" never', () => {
    expect(allows({ NODE_ENV: 'development', CORS_ORIGINS: ALLOWED }, 'http://localhost:5173')).toBe(false);
    expect(allows({ NODE_ENV: 'production', CORS_ORIGINS: '*' }, EVIL)).toBe(true);
    expect(allows({ NODE_ENV: 'production', CORS_ORIGINS: '*' }, 'null')).toBe(false);
    expect(allows({ CORS_ORIGINS: 'https://Shop.Example.com:443' }, ALLOWED)).toBe(true);
  });

  it('refuses a malformed CORS_ORIGINS entry at start, naming it', () => {
    expect(() => parseEnv({ CORS_ORIGINS: 'https://ok.example, shop.example.com' })).toThrow(/CORS_ORIGINS.*shop\.example\.com/s);
    expect(() => parseEnv({ CORS_ORIGINS: 'https://ok.example/path' })).toThrow(/CORS_ORIGINS/);
  });
});
