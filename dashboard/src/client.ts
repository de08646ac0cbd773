/**
 * The urql client: queries and mutations over HTTP with the bearer token, subscriptions over a
 * graphql-ws socket on the same path with the token in connectionParams (as the API expects).
 * Operations are sent as persisted hashes (persisted.ts). A token that stops being accepted (HTTP 401, or the socket closed with 4403) signs the user out.
 *
 * The socket reconnects by itself; events sent while it was down are lost, so each connection
 * after the first is announced (`onReconnect`) for the pages to read their state again.
 */
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from '@urql/core';
import { createClient as createSocket, type Client as Socket } from 'graphql-ws';
import { GRAPHQL_PATH } from './auth';
import { dashboardPersistedExchange } from './persisted';

export type SocketState = 'connecting' | 'live' | 'reconnecting';

export interface ApiClient {
  client: Client;
  socket: Socket;
  /** Current socket state and a way to follow it (for the header's live indicator). */
  socketState(): SocketState;
  onSocketState(listener: (state: SocketState) => void): () => void;
  /** Called on every connection after the first (a reconnection). */
  onReconnect(listener: () => void): () => void;
  dispose(): void;
}

const FORBIDDEN_CLOSE = 4403;
/** How often an idle socket is pinged, and how long a pong may take before it is taken for dead. */
const PING_EVERY_MS = 15_000;
const PONG_WITHIN_MS = 5_000;
/** Closed by us when a pong did not come: graphql-ws retries it like any lost connection. */
const PONG_TIMEOUT_CLOSE = 4408;
/** Longest wait between reconnection attempts (graphql-ws' own backoff doubles without a bound). */
const MAX_RETRY_WAIT_MS = 30_000;

export function createApiClient(token: string, onRejected: () => void): ApiClient {
  const authorization = `Bearer ${token}`;
  const wsUrl = new URL(GRAPHQL_PATH, window.location.href);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';

  let state: SocketState = 'connecting';
  const listeners = new Set<(state: SocketState) => void>();
  const setState = (next: SocketState) => {
    if (next === state) return;
    state = next;
    listeners.forEach((listener) => listener(next));
  };
  const reconnectListeners = new Set<() => void>();
  // Counted here rather than taken from graphql-ws' `wasRetry`, which is false when the server
  // closed the socket normally (1000, as a restarting service may) and the client came back.
  let connections = 0;
  let disposed = false;
  let active: WebSocket | null = null;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;

  const socket = createSocket({
    url: wsUrl.href,
    connectionParams: { authorization },
    lazy: false,
    // The dashboard is left open for hours: keep reconnecting (backing off up to 30 s between
    // attempts, so a long outage is noticed soon after it ends), except when the server refused
    // the token.
    retryAttempts: Number.POSITIVE_INFINITY,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** retries, MAX_RETRY_WAIT_MS) + Math.random() * 1000)),
    shouldRetry: (event) => !(isCloseEvent(event) && event.code === FORBIDDEN_CLOSE),
    // A socket can die without a close event (network switched, laptop asleep, a proxy dropping
    // it): ping it, and close it when the pong does not come, so it is retried and shown as down.
    keepAlive: PING_EVERY_MS,
    on: {
      connecting: () => setState(connections > 0 ? 'reconnecting' : 'connecting'),
      opened: (socket) => {
        active = socket as WebSocket;
      },
      connected: () => {
        connections += 1;
        setState('live');
        if (connections > 1) reconnectListeners.forEach((listener) => listener());
      },
      ping: (received) => {
        if (received) return;
        clearTimeout(pongTimer);
        const pinged = active;
        pongTimer = setTimeout(() => {
          if (pinged?.readyState === WebSocket.OPEN) pinged.close(PONG_TIMEOUT_CLOSE, 'Pong timeout');
        }, PONG_WITHIN_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
      closed: (event) => {
        active = null;
        clearTimeout(pongTimer);
        if (disposed) return;
        if (isCloseEvent(event) && event.code === FORBIDDEN_CLOSE) onRejected();
        else setState(connections > 0 ? 'reconnecting' : 'connecting');
      },
    },
  });

  const client = new Client({
    url: GRAPHQL_PATH,
    // Show what is cached at once, and always ask the server too.
    requestPolicy: 'cache-and-network',
    fetchOptions: () => ({ headers: { authorization } }),
    exchanges: [
      mapExchange({
        onError: (error) => {
          if (error.response?.status === 401) onRejected();
        },
      }),
      cacheExchange,
      // Documents leave as hashes (persisted.ts): before both transports.
      dashboardPersistedExchange(),
      fetchExchange,
      subscriptionExchange({
        // A persisted operation comes without its document: graphql-ws wants a string all the same.
        forwardSubscription: (request) => {
          const input = { ...request, query: request.query ?? '' };
          return { subscribe: (sink) => ({ unsubscribe: socket.subscribe(input, sink) }) };
        },
      }),
    ],
  });

  return {
    client,
    socket,
    socketState: () => state,
    onSocketState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    dispose: () => {
      disposed = true;
      clearTimeout(pongTimer);
      void socket.dispose();
    },
  };
}

function isCloseEvent(value: unknown): value is CloseEvent {
  return typeof value === 'object' && value !== null && 'code' in value;
}
