import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { disposeWsClients, openWsClient } from '../helpers/ws-client.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ API_RATE_LIMIT_PER_MINUTE: '4', API_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '3' });
});
afterAll(async () => {
  await disposeWsClients();
  await t?.close();
});

const anonymous = () => fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });

const socket = (token: string | null) => openWsClient(t.url, token);

/** One operation over the socket: its result, or the errors it was refused with. */
const operation = (client: Client, extensions?: Record<string, unknown>) =>
  new Promise<any>((resolve) => {
    client.subscribe({ query: '{ __typename }', extensions }, { next: resolve, error: (errors) => resolve({ errors }), complete: () => {} });
  });

describe('anonymous and WebSocket rate limits', () => {
  it('limits anonymous HTTP requests per address (429 + Retry-After), token holders per token', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await anonymous()).status);
    expect(statuses).toEqual([200, 200, 200]);
    const refused = await anonymous();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as any).errors[0].extensions.code).toBe('RATE_LIMITED');
    // The same address with a token is counted on the token.
    const token = await t.tokenFor('VIEWER');
    expect((await t.gql('{ __typename }', undefined, token)).status).toBe(200);
    // An anonymous socket from that address is refused too.
    const result = await operation(socket(null));
    expect(result.errors[0].extensions.code).toBe('RATE_LIMITED');
  });

  it('counts every WebSocket operation on the token, together with its HTTP requests', async () => {
    const token = await t.tokenFor('VIEWER');
    expect((await t.gql('{ __typename }', undefined, token)).status).toBe(200);
    const client = socket(token);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await operation(client));
    expect(results.slice(0, 3).map((r) => r.data)).toEqual([{ __typename: 'Query' }, { __typename: 'Query' }, { __typename: 'Query' }]);
    expect(results[3].errors[0].extensions.code).toBe('RATE_LIMITED');
    expect((await t.gql('{ __typename }', undefined, token)).status).toBe(429);
  });

  it("spends the address's lookup budget on tokens an operation brings in extensions.headers, so rotating bogus ones cannot hammer the token table", async () => {
    const queries = t.queries.length;
    const client = socket(null);
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await operation(client, { headers: { Authorization: `Bearer stk_bogus-${i}` } });
      codes.push(result.errors[0].extensions.code);
    }
    // The budget (3 a minute here) is shared with the HTTP lookups of the tests before: refused at most 3 times, then limited.
    const looked = codes.filter((c) => c === 'UNAUTHENTICATED').length;
    expect(looked).toBeLessThanOrEqual(3);
    expect(codes).toEqual([...Array(looked).fill('UNAUTHENTICATED'), ...Array(5 - looked).fill('RATE_LIMITED')]);
    // A limited one was never looked up. (Lookups only: an earlier test's token may still record its use, an UPDATE, meanwhile.)
    expect(t.queries.slice(queries).filter((q) => /^SELECT\b.*"ApiToken"/s.test(q)).length).toBe(looked);
  });
});
