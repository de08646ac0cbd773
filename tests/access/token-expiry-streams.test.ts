// A token that expires while one of its subscriptions is open ends that subscription when it
// expires: over server-sent events (where a token was otherwise checked only when the request
// started, so the stream went on forever) and over WebSocket (where the periodic check, every 60 s
// by default, found it up to a minute late).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/modules/access/token.service.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { openSseSubscription, within } from '../helpers/sse.js';
import { disposeWsClients, openWsClient } from '../helpers/ws-client.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await disposeWsClients();
  await t?.close();
});

const LIFETIME_MS = 1500;
/** How late after its expiry a subscription may still be open. */
const GRACE_MS = 1000;
const expiringToken = (name: string) => createToken(t.app.services, { name, role: 'VIEWER', expiresAt: new Date(Date.now() + LIFETIME_MS) });

describe('a subscription whose token expires while it is open', () => {
  it('ends over server-sent events when the token expires, with an UNAUTHENTICATED error', async () => {
    const { apiToken, secret } = await expiringToken('expires while streaming over SSE');
    const stream = await openSseSubscription(t.url, secret, 'subscription { syncRunUpdated { id } }');
    try {
      const result = await within(stream.ended, apiToken.expiresAt!.getTime() - Date.now() + GRACE_MS);
      expect(result).toMatch(/This API token has expired/);
      expect(result).toMatch(/"code":"UNAUTHENTICATED"/);
      expect(result).toMatch(/event: complete/);
    } finally {
      stream.abort();
    }
  });

  it('closes the WebSocket (4403) when the token expires, not at the next periodic check', async () => {
    const { apiToken, secret } = await expiringToken('expires while streaming over WebSocket');
    let closedWith!: (event: { code: number; reason: string }) => void;
    const closed = new Promise<{ code: number; reason: string }>((r) => (closedWith = r));
    const client = openWsClient(t.url, secret, { on: { closed: (event) => closedWith(event as { code: number; reason: string }) } });
    await new Promise<void>((resolve, reject) => {
      client.subscribe({ query: 'subscription { syncRunUpdated { id } }' }, { next: () => {}, error: () => {}, complete: () => {} });
      client.on('connected', () => resolve());
      client.on('error', reject);
    });
    const result = await within(closed, apiToken.expiresAt!.getTime() - Date.now() + GRACE_MS);
    expect(result).toMatchObject({ code: 4403, reason: 'This API token has expired' });
  });
});

describe('an operation refused after its own token was read', () => {
  it('leaves nothing to close the WebSocket when that token expires (a document whose operation graphql-ws cannot pick)', async () => {
    const { secret: connectionToken } = await createToken(t.app.services, { name: 'connection that outlives an operation token', role: 'VIEWER' });
    const { apiToken, secret } = await expiringToken('brought by a refused operation');
    let closedWith: { code: number; reason: string } | undefined;
    const client = openWsClient(t.url, connectionToken, { on: { closed: (event) => (closedWith = { code: (event as CloseEvent).code, reason: (event as CloseEvent).reason }) } });
    const once = (query: string, extensions?: Record<string, unknown>) =>
      new Promise<any>((resolve) => client.subscribe({ query, extensions }, { next: resolve, error: (errors) => resolve({ errors }), complete: () => {} }));
    // Two operations, no operationName: valid GraphQL, but no operation to run.
    const refused = await once('query A { workCenters(first: 1) { totalCount } } query B { units(first: 1) { totalCount } }', { headers: { authorization: `Bearer ${secret}` } });
    expect(refused.errors?.[0]?.message).toMatch(/operation/i);
    // After that token's expiry, the connection (whose own token holds) still answers.
    await new Promise((r) => setTimeout(r, apiToken.expiresAt!.getTime() - Date.now() + 300));
    const after = await within(once('{ workCenters(first: 1) { totalCount } }'), GRACE_MS);
    expect({ closedWith, errors: typeof after === 'string' ? after : after.errors }).toEqual({ closedWith: undefined, errors: undefined });
  });
});
