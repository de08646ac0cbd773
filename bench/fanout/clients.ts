/**
 * A process of fan-out bench clients (forked by bench/fanout.bench.ts, so the servers are measured,
 * not the clients). Each client is a WebSocket speaking graphql-transport-ws by hand (the
 * graphql-ws client's bookkeeping per socket would make 5,000 of them the bottleneck): init, wait
 * for the ack, subscribe to SUBSCRIPTION, and for each `next` note now − payload's `at`.
 *
 * Messages from the parent: {cmd:'connect', url, token, count, query} → {connected, ms} (adds `count`
 * clients to those connected); {cmd:'count'} → {count}; {cmd:'probed'} → {probed: clients that got a probe};
 * {cmd:'measure'} → {measuring} (counts from now);
 * {cmd:'report'} → {received: number[] per client, latencies: number[], dropped: {"code reason": count}};
 * {cmd:'close'} → {closed}.
 */
import WebSocket from 'ws';

interface Client {
  socket: WebSocket;
  received: number;
  probes: number;
}

const clients: Client[] = [];
let latencies: number[] = [];
let measuring = false;
/** Sockets the server closed (or that failed) after connecting, by close code: a client that misses events says why. */
const dropped = new Map<string, number>();

function connectOne(url: string, token: string, query: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
    const client: Client = { socket, received: 0, probes: 0 };
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
        resolve(client);
      } else if (message.type === 'next') {
        const event = message.payload.data.syncProgress;
        if (event.runId === 'probe') client.probes++;
        else if (measuring) {
          client.received++;
          latencies.push(Date.now() - Date.parse(event.at));
        }
      } else if (message.type === 'error') reject(new Error(JSON.stringify(message.payload)));
      else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    });
    socket.on('error', reject);
    socket.on('close', (code, reason) => {
      const key = `${code} ${reason}`.trim();
      dropped.set(key, (dropped.get(key) ?? 0) + 1);
      reject(new Error(`closed ${key}`));
    });
  });
}

process.on('message', async (message: any) => {
  try {
    if (message.cmd === 'connect') {
      const started = performance.now();
      // In waves of 200, as a crowd of browsers reconnecting would, not 5,000 handshakes at one instant.
      for (let i = 0; i < message.count; i += 200) {
        const wave = Math.min(200, message.count - i);
        clients.push(...(await Promise.all(Array.from({ length: wave }, () => connectOne(message.url, message.token, message.query)))));
      }
      process.send!({ connected: clients.length, ms: performance.now() - started });
    } else if (message.cmd === 'count') {
      process.send!({ count: clients.length });
    } else if (message.cmd === 'probed') {
      process.send!({ probed: clients.filter((c) => c.probes > 0).length });
    } else if (message.cmd === 'measure') {
      latencies = [];
      for (const c of clients) c.received = 0;
      measuring = true;
      process.send!({ measuring: true });
    } else if (message.cmd === 'report') {
      process.send!({ received: clients.map((c) => c.received), latencies, dropped: Object.fromEntries(dropped) });
    } else if (message.cmd === 'close') {
      measuring = false;
      for (const c of clients) {
        c.socket.removeAllListeners('close');
        c.socket.on('error', () => {});
        c.socket.terminate();
      }
      clients.length = 0;
      dropped.clear();
      process.send!({ closed: true });
    }
  } catch (error) {
    process.send!({ error: String(error) });
  }
});
process.send!({ ready: true });
