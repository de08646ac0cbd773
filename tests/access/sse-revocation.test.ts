// Issue 17, item 1 (audit): a subscription over server-sent events (graphql-sse's distinct
// connections mode, `Accept: text/event-stream`) must end when its token is revoked, on every
// instance within 1 s, as WebSocket subscriptions do (token-cache.test.ts): it must not deliver
// the next event to a caller whose token no longer holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/modules/access/token.service.js';
import { createSharedDatabase, startTestApp, type SharedDatabase, type TestApp } from '../helpers/app.js';
import { openSseSubscription, within } from '../helpers/sse.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
let shared: SharedDatabase;
let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  // Two api instances on one database and one Redis, as behind a balancer.
  shared = await createSharedDatabase('sse-revocation');
  a = await startTestApp({ ...shared.env, REDIS_URL, ROLE: 'api' });
  b = await startTestApp({ ...shared.env, REDIS_URL, ROLE: 'api' });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await shared?.drop();
});

describe('SSE subscriptions of a revoked token', () => {
  it('end within 1 s on every instance, with an UNAUTHENTICATED error and no later event', async () => {
    const { apiToken, secret } = await createToken(a.app.services, { name: 'leaked, streaming over SSE', role: 'VIEWER' });
    const query = 'subscription { tokenStreamProbe: syncRunUpdated { id status } }';
    const kept = await createToken(a.app.services, { name: 'still valid', role: 'VIEWER' });
    const streams: { abort(): void }[] = [];
    const open = async (t: TestApp, token: string) => {
      const stream = await openSseSubscription(t.url, token, query);
      streams.push(stream);
      return stream;
    };
    try {
      const onA = await open(a, secret);
      const onB = await open(b, secret);
      // A subscription of another token on the same topic stays open.
      const other = await open(b, kept.secret);
      const revoked = await a.gql(`mutation($id: ID!) { revokeApiToken(input: { id: $id }) { errors { code } } }`, { id: apiToken.id });
      expect(revoked.data.revokeApiToken.errors).toEqual([]);
      const [textA, textB] = await Promise.all([within(onA.ended, 1000), within(onB.ended, 1000)]);
      for (const text of [textA, textB]) {
        expect(text).not.toMatch(/still open/);
        expect(text).toMatch(/"code":"UNAUTHENTICATED"/);
        expect(text).toMatch(/event: complete/);
        expect(text).not.toMatch(/tokenStreamProbe/);
      }
      expect(await within(other.ended, 200)).toMatch(/still open/);
    } finally {
      for (const stream of streams) stream.abort();
    }
  });
});
