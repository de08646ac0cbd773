import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { disposeWsClients, openWsClient, waitForSubscriptions } from '../helpers/ws-client.js';
import { batchInput, createBatch, createWorkCenter, mutate } from '../helpers/production.js';
import { createToken } from '../../src/modules/access/token.service.js';

let t: TestApp;
beforeAll(async () => {
  // Open connections check their token again every 200 ms here (60 s by default).
  t = await startTestApp({}, { tokenRecheckMs: 200 });
});
afterAll(async () => {
  await disposeWsClients();
  await t?.close();
});

const wsClient = (token: string | null) => openWsClient(t.url, token);

/** Subscribes and resolves once `count` events arrived (or rejects on an error). */
function collect(client: Client, query: string, count: number) {
  const events: any[] = [];
  const done = new Promise<any[]>((resolve, reject) => {
    const dispose = client.subscribe(
      { query },
      {
        next: (msg) => {
          if (msg.errors) return reject(new Error(JSON.stringify(msg.errors)));
          events.push((msg.data as any).domainEvents);
          if (events.length === count) {
            dispose();
            resolve(events);
          }
        },
        error: (e: any) => reject(e instanceof Error ? e : Array.isArray(e) ? new Error(JSON.stringify(e)) : Object.assign(new Error(`socket closed ${e?.code}`), { code: e?.code })),
        complete: () => resolve(events),
      },
    );
  });
  return done;
}

describe('domainEvents over graphql-ws', () => {
  it('streams committed production events to a subscriber, filtered by type, in order', async () => {
    const client = wsClient(await t.tokenFor('VIEWER'));
    const all = collect(client, 'subscription { domainEvents { id type actor occurredAt payload } }', 4);
    const onlyClosed = collect(client, 'subscription { domainEvents(types: ["batch.closed"]) { type payload } }', 1);
    // The server registers the subscriptions asynchronously: both listen before anything is published.
    await waitForSubscriptions(t, 2);

    const wc = await createWorkCenter(t, 'EV-1');
    const { batch } = await createBatch(t, batchInput(wc.id, { batchNumber: 4242 }));
    await mutate(t, 'addUnitToBatch', 'AddUnitToBatchInput', { batchId: batch.id, code: 'EV-U1' }, 'unit { id }');
    await mutate(t, 'closeBatch', 'CloseBatchInput', { id: batch.id }, 'batch { id }');

    const events = await all;
    expect(events.map((e) => e.type)).toEqual(['work_center.created', 'batch.created', 'batch.product_added', 'batch.closed']);
    expect(events[1].payload.batch).toMatchObject({ id: batch.id, batchNumber: 4242 });
    expect(events[2].payload.unit).toMatchObject({ code: 'EV-U1' });
    expect(events.every((e) => e.actor === 'development admin')).toBe(true);
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
    const [closed] = await onlyClosed;
    expect(closed).toMatchObject({ type: 'batch.closed', payload: { batch: { id: batch.id, closed: true } } });
  });

  it('publishes nothing for a refused mutation', async () => {
    await waitForSubscriptions(t, 0); // the previous test's, closed by its client, have ended on the server
    const client = wsClient(t.adminToken);
    const received = collect(client, 'subscription { domainEvents(types: ["work_center.created", "batch.created"]) { type payload } }', 1);
    await waitForSubscriptions(t, 1);
    const wc = await createWorkCenter(t, 'EV-2');
    const refused = await createBatch(t, batchInput(wc.id, { shiftEnd: '2000-01-01T00:00:00Z' }));
    expect(refused.errors[0]?.code).toBe('VALIDATION');
    // The one event is the work center; the refused batch produced none before or after it.
    const events = await received;
    expect(events.map((e) => e.type)).toEqual(['work_center.created']);
  });

  it('refuses an unknown event type and an unauthenticated or bad-token subscriber', async () => {
    const client = wsClient(t.adminToken);
    await expect(collect(client, 'subscription { domainEvents(types: ["nope.nothing"]) { type } }', 1)).rejects.toThrow(/Unknown event type\(s\): nope.nothing/);
    await expect(collect(wsClient(null), 'subscription { domainEvents { type } }', 1)).rejects.toThrow(/UNAUTHENTICATED|Authentication required/);
    await expect(collect(wsClient('stk_wrong'), 'subscription { domainEvents { type } }', 1)).rejects.toMatchObject({ code: 4403 });
  });

  it('ends an open subscription when its token is revoked, and refuses the token afterwards', async () => {
    const { apiToken, secret } = await createToken(t.app.services, { name: 'revoked while listening', role: 'VIEWER' });
    await waitForSubscriptions(t, 0);
    const listening = collect(wsClient(secret), 'subscription { domainEvents { type } }', 1);
    await waitForSubscriptions(t, 1); // open, not still being let in, when the token is revoked
    const revoked = await t.gql(`mutation($id: ID!) { revokeApiToken(input: { id: $id }) { errors { code } } }`, { id: apiToken.id });
    expect(revoked.data.revokeApiToken.errors).toEqual([]);
    await expect(listening).rejects.toMatchObject({ code: 4403 });
    await expect(collect(wsClient(secret), 'subscription { domainEvents { type } }', 1)).rejects.toMatchObject({ code: 4403 });
  });
});
