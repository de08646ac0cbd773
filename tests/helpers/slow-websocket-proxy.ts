/**
 * A TCP proxy in front of a service that passes HTTP requests at once and holds every byte a
 * client sends on a WebSocket (an upgrade request and all that follows on its connection) for
 * `delayMs`, in order: a client whose WebSocket is slower than its HTTP requests, as over a
 * congested link or a busy proxy.
 */
import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface SlowWebSocketProxy {
  /** `http://127.0.0.1:<port>`: the service's address through the proxy. */
  url: string;
  close(): Promise<void>;
}

export async function slowWebSocketProxy(target: string, delayMs: number): Promise<SlowWebSocketProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    let websocket: boolean | undefined;
    client.on('data', (chunk) => {
      websocket ??= /^upgrade:\s*websocket/im.test(chunk.toString('latin1'));
      // Same delay for every chunk: the timers fire in the order they were set, so order is kept.
      if (websocket) setTimeout(() => upstream.write(chunk), delayMs);
      else upstream.write(chunk);
    });
    client.on('end', () => setTimeout(() => upstream.end(), websocket ? delayMs : 0));
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
