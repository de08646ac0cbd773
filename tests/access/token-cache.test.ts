// Issue 17, item 1: authentication without a database round trip on the hot path. A verified
// token is cached by its hash for a short time; revoking it evicts it at once on every instance
// (through the event bus: Redis between instances), and an expired one is refused even while cached.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TokenCache } from '../../src/modules/access/token-cache.js';
import { createToken, hashToken } from '../../src/modules/access/token.service.js';
import { createSharedDatabase, startTestApp, type SharedDatabase, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { disposeWsClients, openWsClient } from '../helpers/ws-client.js';
import WebSocket from 'ws';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
let shared: SharedDatabase;
let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  // Two instances on one database and one Redis, as api instances behind a balancer.
  shared = await createSharedDatabase('token-cache');
  a = await startTestApp({ ...shared.env, REDIS_URL, ROLE: 'api' });
  b = await startTestApp({ ...shared.env, REDIS_URL, ROLE: 'api' });
});
afterAll(async () => {
  await disposeWsClients();
  await a?.close();
  await b?.close();
  await shared?.drop();
});

const tokenLookups = (t: TestApp) => t.queries.filter((q) => q.includes('"ApiToken"') && /^\s*SELECT/i.test(q)).length;
const typename = (t: TestApp, token: string) => t.gql('{ __typename }', undefined, token);

describe('token cache', () => {
  it('looks a token up once, not on every request', async () => {
    const { secret } = await createToken(a.app.services, { name: 'hot path', role: 'VIEWER' });
    a.resetQueries();
    for (let i = 0; i < 5; i++) expect((await typename(a, secret)).status).toBe(200);
    expect(tokenLookups(a)).toBe(1);
  });

  it('refuses a revoked token at once on the instance that revoked it and within 1 s on the other', async () => {
    const { apiToken, secret } = await createToken(a.app.services, { name: 'revoked while cached', role: 'VIEWER' });
    // Cached on both instances.
    expect((await typename(a, secret)).status).toBe(200);
    expect((await typename(b, secret)).status).toBe(200);
    const revoked = await a.gql(`mutation($id: ID!) { revokeApiToken(input: { id: $id }) { errors { code } } }`, { id: apiToken.id });
    expect(revoked.data.revokeApiToken.errors).toEqual([]);
    expect((await typename(a, secret)).status).toBe(401);
    await waitFor(async () => (await typename(b, secret)).status === 401, { timeoutMs: 1000, intervalMs: 50, what: 'the other instance to refuse the revoked token' });
  });

  it('ends open subscriptions of a revoked token within 1 s on every instance, not at the next periodic check', async () => {
    const { apiToken, secret } = await createToken(a.app.services, { name: 'leaked, streaming', role: 'VIEWER' });
    // A subscription on each instance, each acknowledged (it runs) before the revoke.
    const subscribe = (t: TestApp) =>
      new Promise<{ closed: Promise<number> }>((resolve, reject) => {
        let closedWith: (code: number) => void;
        const closed = new Promise<number>((r) => (closedWith = r));
        const client = openWsClient(t.url, secret, { on: { closed: (event) => closedWith((event as { code: number }).code) } });
        client.subscribe({ query: 'subscription { syncRunUpdated { id } }' }, { next: () => {}, error: () => {}, complete: () => {} });
        client.on('connected', () => resolve({ closed }));
        client.on('error', reject);
      });
    const onA = await subscribe(a);
    const onB = await subscribe(b);
    const revoked = await a.gql(`mutation($id: ID!) { revokeApiToken(input: { id: $id }) { errors { code } } }`, { id: apiToken.id });
    expect(revoked.data.revokeApiToken.errors).toEqual([]);
    const within = (closed: Promise<number>) => Promise.race([closed, new Promise<string>((r) => setTimeout(() => r('still open after 1 s'), 1000))]);
    expect(await Promise.all([within(onA.closed), within(onB.closed)])).toEqual([4403, 4403]);
  });

  /** Holds the lookup of `secret`'s token after it read the row, until `release`: a lookup that straddles a revoke. */
  function holdLookup(t: TestApp, secret: string) {
    const tokens = t.app.services.tokens!;
    const original = tokens.shared.bind(tokens);
    let read!: () => void;
    const lookedUp = new Promise<void>((r) => (read = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const spy = vi.spyOn(tokens, 'shared').mockImplementation((hash, lookup) =>
      original(hash, hash !== hashToken(secret) ? lookup : async () => {
        const result = await lookup();
        read();
        await released;
        return result;
      }),
    );
    return { lookedUp, release, restore: () => spy.mockRestore() };
  }
  const revoke = async (t: TestApp, id: string) => {
    const revoked = await t.gql(`mutation($id: ID!) { revokeApiToken(input: { id: $id }) { errors { code } } }`, { id });
    expect(revoked.data.revokeApiToken.errors).toEqual([]);
  };
  const withinOneSecond = <T,>(outcome: Promise<T>, otherwise: string) => Promise.race([outcome, new Promise<string>((r) => setTimeout(() => r(otherwise), 1000))]);

  it("refuses an operation whose own token is revoked while the operation is being let in (read before the revoke, starting after it)", async () => {
    const { apiToken, secret } = await createToken(a.app.services, { name: 'revoked while subscribing', role: 'VIEWER' });
    // The operation's token (GraphiQL's headers, on a connection without one) is read before the
    // revoke and the operation would start only after it: the event has passed by then, so the
    // operation must be checked against the revokes it missed, not left to the periodic check (60 s).
    const held = holdLookup(a, secret);
    try {
      const client = openWsClient(a.url, null);
      const headers = { authorization: `Bearer ${secret}` };
      const refused = new Promise<unknown>((resolve) => {
        client.subscribe({ query: 'subscription { syncRunUpdated { id } }', extensions: { headers } }, { next: () => {}, error: resolve, complete: () => {} });
      });
      await held.lookedUp;
      await revoke(a, apiToken.id);
      held.release();
      expect(await withinOneSecond(refused, 'still running after 1 s')).toEqual([expect.objectContaining({ message: 'This API token was revoked', extensions: { code: 'UNAUTHENTICATED' } })]);
    } finally {
      held.restore();
    }
  });

  it('refuses (4403) a connection whose token is revoked while it is being let in', async () => {
    const { apiToken, secret } = await createToken(a.app.services, { name: 'revoked while connecting', role: 'VIEWER' });
    const held = holdLookup(a, secret);
    try {
      let closedWith!: (code: number) => void;
      const closed = new Promise<number>((r) => (closedWith = r));
      openWsClient(a.url, secret, { on: { closed: (event) => closedWith((event as { code: number }).code) } });
      await held.lookedUp;
      await revoke(a, apiToken.id);
      held.release();
      expect(await withinOneSecond(closed, 'still open after 1 s')).toBe(4403);
    } finally {
      held.restore();
    }
  });

  it('keeps nothing of a connection that closed while its token was being looked up (no periodic check for a gone socket)', async () => {
    // Checks every 100 ms here, so a check left running for a gone socket shows beside a live one's.
    const c = await startTestApp({ ...shared.env, REDIS_URL, ROLE: 'api' }, { tokenRecheckMs: 100 });
    try {
      const gone = await createToken(c.app.services, { name: 'closed while connecting', role: 'VIEWER' });
      const live = await createToken(c.app.services, { name: 'still connected', role: 'VIEWER' });
      const held = holdLookup(c, gone.secret);
      const checked: string[] = [];
      const tokens = c.app.services.tokens!;
      const get = tokens.get.bind(tokens);
      const spy = vi.spyOn(tokens, 'get').mockImplementation((hash) => (checked.push(hash), get(hash)));
      try {
        const open = async () => Number((await c.app.services.metrics!.webSocketConnections.get()).values[0]?.value ?? 0);
        const socket = new WebSocket(c.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
        await new Promise((r) => socket.once('open', r));
        socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${gone.secret}` } }));
        await held.lookedUp;
        socket.terminate();
        await waitFor(async () => (await open()) === 0, { timeoutMs: 5000, intervalMs: 20, what: 'the server to see the socket closed' });
        held.release();
        // A live connection, opened after: once it has been checked twice, a check of the gone one would have run too.
        checked.length = 0;
        openWsClient(c.url, live.secret);
        await waitFor(async () => checked.filter((h) => h === hashToken(live.secret)).length >= 3, { timeoutMs: 5000, intervalMs: 20, what: 'the live connection to be checked twice' });
        expect(checked.filter((h) => h === hashToken(gone.secret))).toEqual([]);
      } finally {
        spy.mockRestore();
        held.restore();
      }
    } finally {
      await disposeWsClients();
      await c.close();
    }
  });

  it('does not take back a token revoked while its lookup was in flight', () => {
    const cache = new TokenCache();
    const actor = { tokenId: 'token-1', name: 'racing', role: 'VIEWER' as const };
    // A request read the row just before the revoke, and caches it just after the eviction.
    cache.evict(actor.tokenId);
    cache.set('hash-1', actor, Date.now());
    expect(cache.get('hash-1')).toBeUndefined();
  });

  it('refuses an expired token even while it is cached', async () => {
    const expiresAt = new Date(Date.now() + 1500);
    const { secret } = await createToken(a.app.services, { name: 'short-lived', role: 'VIEWER', expiresAt });
    expect((await typename(a, secret)).status).toBe(200);
    await waitFor(() => Date.now() > expiresAt.getTime(), { what: 'the token to expire' });
    const refused = await typename(a, secret);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.message).toMatch(/expired/);
  });
});
