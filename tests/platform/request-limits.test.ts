import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { openWsClient } from '../helpers/ws-client.js';
import { parseEnv } from '../../src/env.js';
import { introspectionEnabled } from '../../src/graphql/document-limits.js';

let t: TestApp;
const clients: Client[] = [];
beforeAll(async () => {
  t = await startTestApp({ GRAPHQL_MAX_SUBSCRIPTIONS_PER_SOCKET: '3', GRAPHQL_MAX_TOKENS: '2000', GRAPHQL_INTROSPECTION: 'false' });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await t?.close();
});

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}`, ...headers }, body });

function multipart(map: string) {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: '{ __typename }' }));
  form.set('map', map);
  form.set('a', '1');
  return fetch(`${t.url}/graphql`, { method: 'POST', body: form });
}

describe('prototype keys from a request', () => {
  it.each(['__proto__.x', 'constructor.prototype.x', 'variables.__proto__.x', 'prototype'])('refuses a multipart map path through %s with 400, leaving Object.prototype alone', async (path) => {
    const res = await multipart(JSON.stringify({ a: [path] }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'x')).toBe(false);
    // Still serving (the metrics hook of that request ran without throwing).
    expect((await t.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });

  it('a response hook that throws does not end the process', async () => {
    const metrics = t.app.services.metrics!;
    const inc = metrics.httpRequests.inc.bind(metrics.httpRequests);
    metrics.httpRequests.inc = () => {
      throw new Error('label check failed');
    };
    try {
      expect((await t.gql('{ __typename }')).status).toBe(200);
      expect((await t.gql('{ __typename }')).status).toBe(200);
    } finally {
      metrics.httpRequests.inc = inc;
    }
  });
});

describe('document limits', () => {
  it('refuses a 3.9 MB alias flood at the body limit, fast, without parsing it', async () => {
    const flood = `{ ${Array.from({ length: 200_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const started = Date.now();
    const res = await post(JSON.stringify({ query: flood }));
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses a body over the limit without a content-length (chunked) too', async () => {
    const big = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(1024 * 1024 + 10) } });
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('counts __typename in breadth: an alias flood under the body limit is refused before execution', async () => {
    const flood = `{ ${Array.from({ length: 600 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const body = (await (await post(JSON.stringify({ query: flood }))).json()) as any;
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(body.errors[0].message).toMatch(/^Query breadth is 600, over the limit of 500/);
    // Through fragments as well.
    const viaFragment = `{ ...F ...F } fragment F on Query { ${Array.from({ length: 300 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect(((await (await post(JSON.stringify({ query: viaFragment }))).json()) as any).errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    // A normal document is untouched.
    expect((await t.gql('{ a: __typename b: __typename }')).data).toEqual({ a: 'Query', b: 'Query' });
  });

  it('stops parsing a document past GRAPHQL_MAX_TOKENS', async () => {
    const long = `{ __typename ${'@skip(if: false) '.repeat(500)} }`;
    // Yoga answers a refused document 400 to GraphQL-over-HTTP clients (200 for plain application/json).
    const res = await post(JSON.stringify({ query: long }), { accept: 'application/graphql-response+json' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.errors[0].extensions.code).toBe('QUERY_TOO_LARGE');
    expect(body.errors[0].message).toMatch(/more than 2000 tokens/);
  });
});

describe('echoed values', () => {
  it('truncates a huge value echoed in a variable-coercion error', async () => {
    const huge = 'y'.repeat(200_000);
    const res = await post(JSON.stringify({ query: 'query ($n: Boolean!) { __typename @include(if: $n) }', variables: { n: huge } }));
    const body = (await res.json()) as any;
    expect(body.errors[0].message).toMatch(/^Variable "\$n" got invalid value "yyyy/);
    expect(body.errors[0].message.length).toBeLessThan(400);
    expect(body.errors[0].message).toMatch(/200000 characters/);
  });
});

describe('introspection', () => {
  it('is open by default except in production, and GRAPHQL_INTROSPECTION decides', () => {
    const enabled = (vars: Record<string, string>) => introspectionEnabled(parseEnv(vars));
    expect(enabled({ NODE_ENV: 'development' })).toBe(true);
    expect(enabled({ NODE_ENV: 'test' })).toBe(true);
    expect(enabled({ NODE_ENV: 'production' })).toBe(false);
    expect(enabled({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' })).toBe(true);
    expect(enabled({ NODE_ENV: 'development', GRAPHQL_INTROSPECTION: 'false' })).toBe(false);
  });

  it('GRAPHQL_INTROSPECTION=false refuses __schema and __type but not __typename', async () => {
    const schema = await t.gql('{ __schema { queryType { name } } }');
    expect(schema.data).toBeUndefined();
    expect(schema.errors?.[0]?.message).toMatch(/introspection/i);
    expect((await t.gql('{ __type(name: "Query") { name } }')).errors).toBeDefined();
    expect((await t.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });
});

describe('subscriptions per socket', () => {
  it('refuses the subscription over GRAPHQL_MAX_SUBSCRIPTIONS_PER_SOCKET with an error; the socket and its others stay', async () => {
    let closed = false;
    const client = openWsClient(t.url, t.adminToken, { on: { closed: () => (closed = true) } });
    clients.push(client);
    const errors: unknown[] = [];
    const live = () => client.subscribe({ query: 'subscription { domainEvents { type } }' }, { next: () => {}, error: (e) => errors.push(e), complete: () => {} });
    const disposers = [live(), live(), live()];
    const refused = await new Promise<any>((resolve) => {
      client.subscribe({ query: 'subscription { syncRunUpdated { id } }' }, { next: () => {}, error: resolve, complete: () => {} });
    });
    expect(refused[0].extensions.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    expect(refused[0].message).toMatch(/3 operations/);
    // The socket stays open: once one of the three ends, another operation fits.
    disposers.pop()!();
    const answer = await new Promise<any>((resolve, reject) => {
      client.subscribe({ query: '{ __typename }' }, { next: resolve, error: reject, complete: () => {} });
    });
    expect(answer.data).toEqual({ __typename: 'Query' });
    expect(errors).toEqual([]);
    expect(closed).toBe(false);
    disposers.forEach((d) => d());
  });
});
