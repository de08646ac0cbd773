// Issue 16, item 2: subscriptions authenticate from every place a standard client puts the token —
// graphql-ws connectionParams (authorization, Authorization, headers.authorization), the upgrade
// request's Authorization header, the subscribe message's extensions.headers (what GraphiQL's
// executor sends), and Server-Sent Events with the Authorization header. Each with a real client.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { buildGraphQLWSExecutor } from '@graphql-tools/executor-graphql-ws';
import { parse } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/modules/access/token.service.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { disposeWsClients, openWsClient } from '../helpers/ws-client.js';

let t: TestApp;
let viewer: string;
const disposers: Array<() => unknown> = [];
beforeAll(async () => {
  // Open connections check their tokens again every 200 ms (60 s by default).
  t = await startTestApp({}, { tokenRecheckMs: 200 });
  viewer = await t.tokenFor('VIEWER');
});
afterAll(async () => {
  for (const dispose of disposers) await dispose();
  await disposeWsClients();
  await t?.close();
});

const READ = '{ workCenters(first: 1) { totalCount } }';
const EVENTS = 'subscription { domainEvents(types: ["work_center.deleted"]) { type payload } }';
const wsUrl = () => t.url.replace(/^http/, 'ws') + '/graphql';

/** Creates and deletes a work center, so `work_center.deleted` is published; returns its identifier. */
async function publishDeletion(): Promise<string> {
  const identifier = `WC-${Math.random().toString(36).slice(2, 10)}`;
  const created = dataOf(await t.gql(`mutation($i: CreateWorkCenterInput!) { createWorkCenter(input: $i) { workCenter { id } } }`, { i: { identifier, name: identifier } }));
  const id = created.createWorkCenter.workCenter.id;
  dataOf(await t.gql(`mutation($id: ID!) { deleteWorkCenter(input: { id: $id }) { __typename } }`, { id }));
  return identifier;
}

/** Publishes deletions until the subscription's first event arrives (it may subscribe after the first one). */
async function firstEvent(events: AsyncIterator<any>): Promise<any> {
  const next = events.next();
  let settled = false;
  void next.finally(() => (settled = true));
  const deadline = Date.now() + 15_000;
  while (!settled && Date.now() < deadline) {
    await publishDeletion();
    await Promise.race([next, new Promise((r) => setTimeout(r, 100))]);
  }
  return (await next).value;
}

/** One operation over a graphql-ws client: its first result, or the errors it was refused with. */
const once = (client: ReturnType<typeof openWsClient>, query: string, extensions?: Record<string, unknown>) =>
  new Promise<any>((resolve) => {
    client.subscribe({ query, extensions }, { next: resolve, error: (errors) => resolve({ errors }), complete: () => {} });
  });

describe('subscription authentication', () => {
  it.each([
    ['connectionParams.authorization', () => ({ authorization: `Bearer ${viewer}` })],
    ['connectionParams.Authorization', () => ({ Authorization: `Bearer ${viewer}` })],
    ['connectionParams.headers.authorization', () => ({ headers: { authorization: `Bearer ${viewer}` } })],
    ['connectionParams.headers.Authorization', () => ({ headers: { Authorization: `Bearer ${viewer}` } })],
  ])('reads the token from %s', async (_where, params) => {
    const client = openWsClient(t.url, null, { connectionParams: params() });
    const result = await once(client, READ);
    expect(result.errors).toBeUndefined();
    expect(result.data.workCenters.totalCount).toBeGreaterThanOrEqual(0);
  });

  it("reads the token from the upgrade request's Authorization header", async () => {
    const token = viewer;
    class WithHeader extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { Authorization: `Bearer ${token}` } });
      }
    }
    const client = openWsClient(t.url, null, { webSocketImpl: WithHeader });
    const result = await once(client, READ);
    expect(result.errors).toBeUndefined();
  });

  it('refuses an anonymous operation, and a bad token in any place', async () => {
    const anonymous = await once(openWsClient(t.url, null), READ);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // A bad token in the subscribe message refuses that operation only; the socket stays open.
    const client = openWsClient(t.url, null);
    const refused = await once(client, READ, { headers: { Authorization: 'Bearer stk_not-a-real-token' } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const after = await once(client, READ, { headers: { Authorization: `Bearer ${viewer}` } });
    expect(after.errors).toBeUndefined();
  });

  it("authenticates GraphiQL's operations from extensions.headers, on an anonymous connection (Yoga GraphiQL's own executor)", async () => {
    const executor = buildGraphQLWSExecutor({ url: wsUrl(), lazy: true });
    disposers.push(() => executor[Symbol.asyncDispose]());
    const headers = { Authorization: `Bearer ${viewer}` };
    const read: any = await executor({ document: parse(READ), extensions: { headers } });
    expect(read.errors).toBeUndefined();
    expect(read.data.workCenters.totalCount).toBeGreaterThanOrEqual(0);

    const events = (await executor({ document: parse(EVENTS), extensions: { headers } })) as AsyncIterableIterator<any>;
    const event = await firstEvent(events);
    expect(event.errors).toBeUndefined();
    expect(event.data.domainEvents.type).toBe('work_center.deleted');
    await events.return?.();

    const anonymous: any = await executor({ document: parse(READ) });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("ends the connection when an operation's own token is revoked while it streams", async () => {
    const { apiToken, secret } = await createToken(t.app.services, { name: 'graphiql tab', role: 'VIEWER' });
    const closed = new Promise<number>((resolve) => {
      const client = openWsClient(t.url, null, { on: { closed: (event) => resolve((event as { code: number }).code) } });
      const events: AsyncIterator<any> = client.iterate({ query: EVENTS, extensions: { headers: { authorization: `Bearer ${secret}` } } });
      void firstEvent(events).then(async (event) => {
        expect(event.data.domainEvents.type).toBe('work_center.deleted');
        const revoked = await t.gql(`mutation($id: ID!) { revokeApiToken(input: { id: $id }) { errors { code } } }`, { id: apiToken.id });
        expect(revoked.data.revokeApiToken.errors).toEqual([]);
      });
    });
    expect(await closed).toBe(4403);
  });

  it("authenticates a subscription of @graphiql/toolkit's fetcher with the headers typed in GraphiQL", async () => {
    // In a browser the toolkit dials the global WebSocket; Node 20 has none, so lend it ws for this test.
    const global = globalThis as { WebSocket?: unknown };
    const saved = global.WebSocket;
    global.WebSocket = WebSocket;
    try {
      const fetcher = createGraphiQLFetcher({ url: `${t.url}/graphql`, subscriptionUrl: wsUrl(), fetch: globalThis.fetch });
      const result = await fetcher({ query: EVENTS, operationName: null }, { headers: { Authorization: `Bearer ${viewer}` }, documentAST: parse(EVENTS) });
      const events = result as AsyncIterableIterator<any>;
      const event = await firstEvent(events);
      expect(event.errors).toBeUndefined();
      expect(event.data.domainEvents.type).toBe('work_center.deleted');
      await events.return?.();
    } finally {
      global.WebSocket = saved;
    }
  });

  it('streams a subscription over Server-Sent Events with the Authorization header, and refuses one without it', async () => {
    const sse = (token: string | null) => {
      const client = createSseClient({ url: `${t.url}/graphql`, headers: token ? { Authorization: `Bearer ${token}` } : {}, retryAttempts: 0 });
      disposers.push(() => client.dispose());
      return client;
    };
    const events = sse(viewer).iterate({ query: EVENTS });
    const event = await firstEvent(events);
    expect(event.errors).toBeUndefined();
    expect(event.data.domainEvents.type).toBe('work_center.deleted');
    await events.return?.();

    // Refused before the stream opens: 401 with the GraphQL error in the body, as over plain HTTP.
    const refused = await sse(null)
      .iterate({ query: EVENTS })
      .next()
      .then(
        () => null,
        (error: { response?: Response }) => error.response,
      );
    expect(refused?.status).toBe(401);
  });
});
