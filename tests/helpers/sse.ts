/**
 * A subscription over server-sent events (graphql-sse's distinct connections mode: a POST with
 * `Accept: text/event-stream`), running once its response has arrived. `ended` gives everything
 * the server sent once it ends the stream; `abort` leaves.
 */
import { expect } from 'vitest';

export async function openSseSubscription(url: string, token: string, query: string) {
  const abort = new AbortController();
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const ended = (async () => {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true });
    return text;
  })().catch(() => text);
  return { ended, received: () => text, abort: () => abort.abort() };
}

/** `promise`'s value, or `still open after <ms> ms` when it takes longer. */
export const within = <T>(promise: Promise<T>, ms: number) => Promise.race([promise, new Promise<string>((r) => setTimeout(() => r(`still open after ${ms} ms`), ms))]);
