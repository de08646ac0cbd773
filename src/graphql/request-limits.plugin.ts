import type { IncomingMessage } from 'node:http';
import { createGraphQLError, type FetchAPI, type Plugin } from 'graphql-yoga';
import type { RequestRateLimits } from './token-rate-limit.js';

const tooLarge = (maxBytes: number) =>
  createGraphQLError(`The request body is larger than the ${maxBytes} byte limit`, { extensions: { code: 'PAYLOAD_TOO_LARGE', http: { status: 413 } } });

/** Yoga's cap on any request body (its default maxRequestBodySize), multipart uploads included. */
export const REQUEST_BODY_CAP = 25_000_000;

const CONTENT_LENGTH = /^\d+$/;

/** Yoga's refusals of a body past the cap and of a bad Content-Length, word for word. */
const overCap = () => createGraphQLError('Request body too large', { extensions: { http: { status: 413 }, code: 'REQUEST_ENTITY_TOO_LARGE' } });
const badLength = () => createGraphQLError('Content-Length header is invalid.', { extensions: { http: { status: 400 }, code: 'BAD_REQUEST' } });

/** The client address of an HTTP request or a WebSocket upgrade (the peer; no proxy header is trusted). */
export function addressOf(req: IncomingMessage | undefined): string | undefined {
  return req?.socket?.remoteAddress;
}

/** Reads a body of unknown length, refusing it once it passes `maxBytes` (nothing more is buffered). */
async function readLimited(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      void reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Refuses what costs before any GraphQL work: a request body past `maxBodyBytes` (413; multipart
 * uploads have their own limit) and an anonymous caller past its per-address budget (429).
 * Callers with a token are counted per token once authenticated (context, yoga.ts).
 */
export function useRequestLimits(options: { maxBodyBytes: number; rateLimits: RequestRateLimits }): Plugin {
  const { maxBodyBytes, rateLimits } = options;
  return {
    async onRequestParse({ request, serverContext, setRequestParser }) {
      if (!request.headers.has('authorization')) await rateLimits.consume(null, addressOf((serverContext as { req?: IncomingMessage }).req));
      if (request.method !== 'POST') return;
      const type = request.headers.get('content-type') ?? '';
      if (/^multipart\/form-data/i.test(type)) return;
      const length = request.headers.get('content-length');
      // Node's parser never delivers more than the declared length, so the header is enough.
      if (length !== null) {
        if (Number(length) > maxBodyBytes) throw tooLarge(maxBodyBytes);
        return;
      }
      if (!request.body) return;
      if (!/^application\/(graphql\+)?json/i.test(type)) {
        throw createGraphQLError('A request body without Content-Length must be JSON', { extensions: { code: 'BAD_REQUEST', http: { status: 411 } } });
      }
      // Chunked JSON: read it under the limit, then check it as Yoga's own JSON parser does.
      setRequestParser(async (req) => {
        const text = await readLimited(req.body!, maxBodyBytes);
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw createGraphQLError('POST body sent invalid JSON.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        }
        if (parsed === null || typeof parsed !== 'object') {
          throw createGraphQLError(`POST body is expected to be object but received ${parsed === null ? 'null' : typeof parsed}`, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        }
        return parsed as never;
      });
    },
  };
}

/** The request with its body counted as it is read; past `maxBytes` reading it fails with 413. */
function countedBody(request: Request, maxBytes: number, fetchAPI: FetchAPI): Request {
  let read = 0;
  // A native stream needs the native TransformStream, a ponyfilled one the ponyfill (graphql-yoga#4583).
  const Transform = request.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  const body = request.body!.pipeThrough(
    new Transform({
      transform(chunk: Uint8Array, controller) {
        read += chunk.byteLength;
        if (read > maxBytes) controller.error(overCap());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, signal: request.signal, body, duplex: 'half' } as RequestInit);
}

/**
 * Yoga's cap on every request body (`maxRequestBodySize`, switched off in yoga.ts), without what it
 * costs per request: Yoga pipes every body through a stream that counts its bytes, the largest part
 * of its per-request work on a small query (a profile of `{ __typename }`: bench/profile). A body
 * with a Content-Length cannot be longer than declared (Node's parser stops there), so the header
 * is checked and only a body without one is counted. Registered after every plugin that sets a
 * request parser (uploads), so it wraps the parser that is used.
 */
export function useRequestBodyCap(maxBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const length = request.headers.get('content-length');
      if (length !== null) {
        if (!CONTENT_LENGTH.test(length)) throw badLength();
        if (Number(length) > maxBytes) throw overCap();
        return;
      }
      if (!requestParser || !request.body) return;
      setRequestParser((req) => requestParser(countedBody(req, maxBytes, fetchAPI)));
    },
  };
}
