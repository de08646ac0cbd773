import { randomUUID } from 'node:crypto';
import type { ExecutionResult, GraphQLError } from 'graphql';
import type { WebSocket } from 'ws';

/**
 * A `next` payload serialized once for every socket it goes to. graphql-ws stringifies each
 * message whole (`{"id":…,"type":"next","payload":…}`, the id per subscription); subscribers
 * sharing an execution (shared-subscriptions.plugin.ts) receive the same result object, so its
 * JSON text is kept with it and spliced into each socket's message instead of stringified again.
 */
class SharedPayload {
  constructor(readonly text: string) {}
}

const payloads = new WeakMap<ExecutionResult, SharedPayload>();

/** graphql-ws' onNext: the result as graphql-ws would send it (errors by toJSON), stringified once per result object. */
export function sharedPayload(result: ExecutionResult): object {
  let shared = payloads.get(result);
  if (!shared) {
    const { errors, ...rest } = result;
    shared = new SharedPayload(JSON.stringify({ ...rest, ...(errors ? { errors: errors.map((error) => (error as GraphQLError).toJSON()) } : {}) }));
    payloads.set(result, shared);
  }
  return shared;
}

const PLACEHOLDER = `shared payload ${randomUUID()}`;
const TAIL = `"payload":${JSON.stringify(PLACEHOLDER)}}`;
/** The text of the payload graphql-ws just stringified; stringifying and sending happen in one synchronous step. */
let pending: string | undefined;

/** graphql-ws' jsonMessageReplacer: a shared payload is written as a placeholder, its text kept for the send. */
export function replaceSharedPayload(key: string, value: unknown): unknown {
  if (key !== 'payload' || !(value instanceof SharedPayload)) return value;
  pending = value.text;
  return PLACEHOLDER;
}

/** The message as sent: the shared payload's text in place of its placeholder (`payload` is the last key). */
export function spliceSharedPayload(data: string): string {
  const text = pending;
  pending = undefined;
  if (text === undefined || !data.endsWith(TAIL)) return data;
  return `${data.slice(0, -TAIL.length)}"payload":${text}}`;
}

/** Makes `socket` send graphql-ws' messages with shared payloads spliced in (outermost, before any other wrapper of send). */
export function sendSharedPayloads(socket: WebSocket): void {
  const send = socket.send.bind(socket) as (data: unknown, ...rest: unknown[]) => void;
  socket.send = ((data: unknown, ...rest: unknown[]) => send(typeof data === 'string' ? spliceSharedPayload(data) : data, ...rest)) as WebSocket['send'];
}
