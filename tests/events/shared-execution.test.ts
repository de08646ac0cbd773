// Issue 17, item 3: subscribers of the same operation (document, variables, role) share one
// execution per event: 5,000 sockets on one subscription resolve its payload once, not 5,000
// times, and serialize it once. Subscribers with other variables or another role get their own.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { disposeWsClients, openSubscriptions, openWsClient } from '../helpers/ws-client.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await disposeWsClients();
  await t?.close();
  vi.restoreAllMocks();
});

const STOCK = 'subscription Stock($id: ID) { stockChanged(productId: $id) { id sku } }';

/** A subscriber on its own socket: every payload it receives, in order. */
function subscriber(token: string, variables: Record<string, unknown>) {
  const received: unknown[] = [];
  openWsClient(t.url, token).subscribe({ query: STOCK, variables }, { next: (message) => void received.push(message), error: () => {}, complete: () => {} });
  return received;
}

describe('shared subscription execution', () => {
  it('executes an event once for subscribers of the same operation and role, and apart for other variables or roles', async () => {
    const { prisma } = t.app.services;
    const product = await prisma.product.create({ data: { sku: 'SHARED-1', name: 'Shared mug' } });
    // The stockChanged payload is read by this call: one per execution of the event.
    const reads = vi.spyOn(prisma.product, 'findUniqueOrThrow');
    const viewer = await t.tokenFor('VIEWER');
    const operator = await t.tokenFor('OPERATOR');
    const same = [1, 2, 3, 4].map(() => subscriber(viewer, { id: product.id }));
    const allProducts = subscriber(viewer, {});
    const asOperator = subscriber(operator, { id: product.id });
    const everyone = [...same, allProducts, asOperator];
    await waitFor(async () => (await openSubscriptions(t)) >= everyone.length, { what: 'the subscriptions to run' });

    // Payload texts made from now: JSON.stringify of a result with this event's data, alone or inside a graphql-ws message.
    const stringify = vi.spyOn(JSON, 'stringify');
    const payloadTexts = () => stringify.mock.calls.filter(([value]) => (value as any)?.data?.stockChanged || (value as any)?.payload?.data?.stockChanged).length;
    t.app.services.events.publish([{ id: randomUUID(), type: 'stock.changed', occurredAt: new Date().toISOString(), actor: 'test', payload: { productId: product.id } }]);
    await waitFor(() => everyone.every((received) => received.length === 1), { what: 'every subscriber to receive the event' });

    const expected = { data: { stockChanged: { id: product.id, sku: 'SHARED-1' } } };
    for (const received of everyone) expect(received).toEqual([expected]);
    // Four viewers with the same variables: one execution; the other variables and the other role: one each.
    expect(reads).toHaveBeenCalledTimes(3);
    // And each result is serialized once, its text spliced into every socket's `next` message.
    expect(payloadTexts()).toBe(3);
    stringify.mockRestore();
  });
});
