import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { disposeWsClients, openWsClient } from '../helpers/ws-client.js';
import { EventBus } from '../../src/events/event-bus.js';

/**
 * A client that stops reading must not make the server buffer its messages without bound: past
 * WS_MAX_BUFFERED_BYTES waiting to be sent, its socket is closed 1013 (try again later), while the
 * other subscribers keep getting every event.
 */
const LIMIT = 1024 * 1024;
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ WS_MAX_BUFFERED_BYTES: String(LIMIT) });
});
afterAll(async () => {
  await disposeWsClients();
  await t?.close();
});

const QUERY = 'subscription { domainEvents(types: ["batch.updated"]) { id payload } }';
const blob = 'x'.repeat(64 * 1024);

/** A graphql-transport-ws client spoken by hand, so its socket can be paused. */
async function rawSubscriber(token: string) {
  const socket = new WebSocket(t.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
  const messages: any[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  await once(socket, 'open');
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  // graphql-ws refuses a subscribe sent before its connection_ack.
  await expect.poll(() => messages.some((m) => m.type === 'connection_ack')).toBe(true);
  socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY } }));
  return { socket, messages };
}

const publish = (n: number) => t.app.services.events.publish([EventBus.create('batch.updated', { n, blob })]);
const slowConsumerLogged = () => t.logs.some((line) => line.includes('slow WebSocket consumer'));

describe('WebSocket backpressure', () => {
  it('closes a socket that stopped reading once more than the limit waits for it; a reading client gets every event', async () => {
    const token = await t.tokenFor('VIEWER');
    const slow = await rawSubscriber(token);
    const healthyGot = new Set<number>();
    const healthy = openWsClient(t.url, token);
    const healthyLive = new Promise<void>((resolve, reject) => {
      healthy.subscribe({ query: QUERY }, { next: (msg) => (healthyGot.add((msg.data as any).domainEvents.payload.n), resolve()), error: reject, complete: () => {} });
    });
    // Both live: probes are published until each has had one.
    let n = 0;
    while (!slow.messages.some((m) => m.type === 'next') || healthyGot.size === 0) {
      publish(++n);
      await new Promise((r) => setTimeout(r, 50));
    }
    await healthyLive;
    const probes = n;

    slow.socket.pause();
    // 64 KB events until the server gives up on the paused socket (the kernel's buffers fill first),
    // at most 64 MB: far more than the limit plus loopback socket buffers.
    while (!slowConsumerLogged() && n < probes + 1000) {
      publish(++n);
      await new Promise((r) => setImmediate(r));
    }
    expect(slowConsumerLogged()).toBe(true);
    const published = n;

    // Read again: what was sent before the close arrives, then the close frame with its reason.
    const closed = once(slow.socket, 'close');
    slow.socket.resume();
    const [code, reason] = await closed;
    expect(code).toBe(1013);
    expect(String(reason)).toMatch(/slow consumer/i);
    // Every event published once both were live reached the client that kept reading.
    const expected = Array.from({ length: published - probes }, (_, i) => probes + 1 + i);
    await expect.poll(() => expected.every((each) => healthyGot.has(each)), { timeout: 20_000 }).toBe(true);
  });
});
