/**
 * The CLI's way to a running service: GraphQL over HTTP for queries and mutations, graphql-ws
 * (same URL) for subscriptions. Every failure to get an answer — no token, service unreachable,
 * token refused, GraphQL errors — becomes a CliError (exit 2) with a message an operator can act
 * on. The token is sent, never printed. Operations (operations.ts) travel as their sha256 hashes,
 * the manifest's keys, so a service with PERSISTED_OPERATIONS=only runs them; a service that does
 * not know a hash gets the document too (Automatic Persisted Queries).
 */
import { createHash } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { CliError } from './cli-error.js';

export const DEFAULT_URL = 'http://localhost:4000';

/** `--url` / `--token` as commander parsed them. */
export interface ConnectionOptions {
  url?: string;
  token?: string;
}

export interface ApiClient {
  /** Origin of the service (no credentials, no path), for messages. */
  readonly origin: string;
  /** Runs a query or mutation; resolves with its data or throws a CliError. */
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Follows a subscription; ends when the server completes it or the caller breaks out. */
  subscribe<T>(query: string, variables?: Record<string, unknown>): AsyncGenerator<T>;
  close(): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 30_000;

/** Reads `--url`/`STOCKLINE_URL` and `--token`/`STOCKLINE_TOKEN`; missing or malformed ones are usage errors. */
export function createApiClient(options: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): ApiClient {
  const endpoint = graphqlEndpoint(options.url || env.STOCKLINE_URL || DEFAULT_URL);
  const token = options.token || env.STOCKLINE_TOKEN;
  if (!token) throw new CliError('No API token: pass --token or set STOCKLINE_TOKEN (make one with `stockline token create --role VIEWER`).');
  const origin = endpoint.origin;
  const authorization = `Bearer ${token}`;
  let socket: Client | undefined;

  async function post(body: Record<string, unknown>): Promise<{ res: Response; body: { data?: unknown; errors?: GraphQLFormattedError[] } | null }> {
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new CliError(`Cannot reach Stockline at ${origin}: ${networkReason(error)}. Is it running? (--url or STOCKLINE_URL)`);
    }
    return { res, body: (await res.json().catch(() => null)) as { data?: unknown; errors?: GraphQLFormattedError[] } | null };
  }

  async function request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const extensions = persistedExtensions(query);
    let { res, body } = await post({ variables, extensions });
    if (body?.errors?.some((e) => e.message === 'PersistedQueryNotFound')) ({ res, body } = await post({ query, variables, extensions }));
    if (res.status === 401) throw new CliError(`The service at ${origin} rejected the token: ${body?.errors?.[0]?.message ?? 'HTTP 401'}.`);
    if (res.status === 429) throw new CliError(`The service at ${origin} is rate limiting this token; retry in ${res.headers.get('retry-after') ?? 'a few'} seconds.`);
    if (!body || (!body.data && !body.errors)) throw new CliError(`Unexpected answer from ${origin} (HTTP ${res.status}); is this a Stockline service?`);
    if (body.errors?.length) throw new CliError(describeGraphQLErrors(body.errors));
    return body.data as T;
  }

  async function* subscribe<T>(query: string, variables: Record<string, unknown> = {}): AsyncGenerator<T> {
    socket ??= createClient({
      url: endpoint.href.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket, // Node 20 has no global WebSocket
      connectionParams: { authorization },
      retryAttempts: 0, // events sent while reconnecting would be missed: fail instead
    });
    // The hash alone: graphql-ws wants a string for the document.
    const results = socket.iterate<T>({ query: '', variables, extensions: persistedExtensions(query) });
    try {
      for await (const result of results) {
        if (result.errors?.length) throw new CliError(describeGraphQLErrors(result.errors));
        if (result.data) yield result.data;
      }
    } catch (error) {
      throw subscriptionError(error, origin);
    } finally {
      await results.return?.();
    }
  }

  return {
    origin,
    request,
    subscribe,
    async close() {
      await socket?.dispose();
    },
  };
}

/** APQ's `extensions.persistedQuery`: the sha256 of the document text, as the manifest keys it. */
function persistedExtensions(query: string) {
  return { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
}

/** http://host:port[/path] → its /graphql endpoint; anything else is a usage error. */
function graphqlEndpoint(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`Not a URL: ${JSON.stringify(raw)} (--url or STOCKLINE_URL, e.g. ${DEFAULT_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`The service URL must be http:// or https://, not ${url.protocol}//`);
  if (!url.pathname.endsWith('/graphql')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/graphql`;
  url.search = '';
  url.hash = '';
  return url;
}

/** "FORBIDDEN: …" or "BAD_USER_INPUT (DAYS_OUT_OF_RANGE): …", one per error. */
export function describeGraphQLErrors(errors: readonly GraphQLFormattedError[]): string {
  return errors
    .map((e) => {
      const code = e.extensions?.code ? String(e.extensions.code) : 'ERROR';
      const reason = e.extensions?.reason && typeof e.extensions.reason === 'string' && e.extensions.reason !== e.message ? ` (${e.extensions.reason})` : '';
      return `${code}${reason}: ${e.message}`;
    })
    .join('; ');
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if ((error as Error)?.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
}

/** graphql-ws rejects with an Error, a list of GraphQL errors, or a close event. */
function subscriptionError(error: unknown, origin: string): CliError {
  if (error instanceof CliError) return error;
  if (Array.isArray(error)) return new CliError(describeGraphQLErrors(error));
  const close = error as { code?: number; reason?: string };
  if (close?.code === 4403) return new CliError(`The service at ${origin} rejected the token.`);
  if (typeof close?.code === 'number') return new CliError(`Lost the connection to ${origin} (WebSocket closed ${close.code}${close.reason ? `: ${close.reason}` : ''}).`);
  return new CliError(`Lost the connection to ${origin}: ${networkReason(error)}.`);
}
