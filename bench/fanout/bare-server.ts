/**
 * The fan-out bench's baseline, in its own process: a bare graphql-ws + ws server with one
 * subscription field of the same shape as Stockline's syncProgress, fed by @graphql-yoga/subscription's
 * pub/sub (the plain way to write one). It publishes what the parent asks, stamping `at` when it publishes.
 *
 * Messages from the parent: {cmd:'publish', event} → publishes it; {cmd:'memory'} → {memory} (settled,
 * bench/fanout/memory.ts); {cmd:'cpu'} → {cpu} (µs used so far).
 */
import { setMaxListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { createPubSub } from '@graphql-yoga/subscription';
import { SYNC_PROGRESS_SDL } from './events.js';
import { cpuMicros, settledMemory } from './memory.js';

const schema = buildSchema(SYNC_PROGRESS_SDL);
// One listener per subscriber on this target, as createPubSub does: thousands are expected here.
const eventTarget = new EventTarget();
setMaxListeners(0, eventTarget);
const pubsub = createPubSub<{ progress: [unknown] }>({ eventTarget: eventTarget as never });
schema.getSubscriptionType()!.getFields().syncProgress!.subscribe = () => pubsub.subscribe('progress');
schema.getSubscriptionType()!.getFields().syncProgress!.resolve = (event) => event;

const server = createServer((_req, res) => res.writeHead(404).end());
useServer({ schema }, new WebSocketServer({ server, path: '/graphql' }));
server.listen(0, '127.0.0.1', () => process.send!({ url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` }));

process.on('message', async (message: any) => {
  if (message.cmd === 'publish') pubsub.publish('progress', { ...message.event, at: new Date().toISOString() });
  else if (message.cmd === 'memory') process.send!({ memory: await settledMemory() });
  else if (message.cmd === 'cpu') process.send!({ cpu: cpuMicros() });
});
