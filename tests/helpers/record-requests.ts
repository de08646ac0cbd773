/**
 * Preloaded into a client process (`node --import ./tests/helpers/record-requests.ts`): appends
 * every fetch body and every WebSocket message it sends, one JSON per line, to RECORD_REQUESTS_TO.
 */
import { appendFileSync } from 'node:fs';
import WebSocket from 'ws';

const file = process.env.RECORD_REQUESTS_TO;
if (file) {
  const record = (data: unknown) => {
    if (typeof data === 'string') appendFileSync(file, `${data.replace(/\n/g, ' ')}\n`);
  };
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    record(init?.body);
    return realFetch(input, init);
  };
  const realSend = WebSocket.prototype.send;
  WebSocket.prototype.send = function send(this: WebSocket, data: unknown, ...rest: unknown[]) {
    record(data);
    return (realSend as (...args: unknown[]) => void).call(this, data, ...rest);
  } as typeof WebSocket.prototype.send;
}
