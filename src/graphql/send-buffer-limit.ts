import type { WebSocket } from 'ws';

/** "Try Again Later" (RFC 6455): the graphql-ws client treats it as retryable and reconnects. */
export const SLOW_CONSUMER_CLOSE_CODE = 1013;

/** After the close frame, how long a client that still does not read keeps its buffer: then the socket is destroyed. */
const CLOSE_GRACE_MS = 5000;

/**
 * Bounds what the server holds for a socket that does not read. graphql-ws awaits each send's
 * flush, so a client that stops reading would stall its operations while their events pile up
 * unserialised in the subscription queues (per operation, without a byte bound). Here a send
 * resolves once ws has taken the message, so the backlog sits in ws's send buffer where it is
 * counted in bytes (`bufferedAmount`); past `maxBufferedBytes` the socket is closed with 1013
 * and a reason saying why, and is destroyed `CLOSE_GRACE_MS` later if the client still does not read.
 */
export function limitSendBuffer(socket: WebSocket, maxBufferedBytes: number, onOverflow: (bufferedBytes: number) => void): void {
  const send = socket.send.bind(socket) as (data: unknown, cb?: (err?: Error) => void) => void;
  let closing = false;
  socket.send = ((data: unknown, ...rest: unknown[]) => {
    const cb = typeof rest.at(-1) === 'function' ? (rest.at(-1) as (err?: Error) => void) : undefined;
    if (socket.readyState !== socket.OPEN) return cb?.();
    // Errors of the write surface as the socket's error and close events, which end its operations.
    send(data);
    if (!closing && socket.bufferedAmount > maxBufferedBytes) {
      closing = true;
      onOverflow(socket.bufferedAmount);
      socket.close(SLOW_CONSUMER_CLOSE_CODE, `Slow consumer: more than ${maxBufferedBytes} bytes waiting to be sent`);
      setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
    }
    cb?.();
  }) as WebSocket['send'];
}
