/**
 * A webhook receiver on 127.0.0.1:0 (a real node:http server): records every request (headers,
 * raw body, arrival time) and answers as `respond` says (default 200 "ok"), which may also hang
 * or delay.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Respond = (request: Received, index: number, res: ServerResponse) => void | Promise<void>;

export interface Receiver {
  url: string;
  received: Received[];
  /** Requests to this path (the receiver serves several webhooks). */
  on(path: string): Received[];
  respond: Respond;
  close(): Promise<void>;
}

export async function startReceiver(respond?: Respond): Promise<Receiver> {
  const received: Received[] = [];
  const counts = new Map<string, number>();
  const receiver: Receiver = {
    url: '',
    received,
    on: (path) => received.filter((r) => r.path === path),
    respond: respond ?? ((_r, _i, res) => void res.writeHead(200).end('ok')),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? '/';
    const request: Received = { path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
    received.push(request);
    const index = counts.get(path) ?? 0;
    counts.set(path, index + 1);
    try {
      await receiver.respond(request, index, res);
    } catch {
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}
