/**
 * The urql client: queries and mutations over HTTP with the bearer token, subscriptions over a
 * graphql-ws socket on the same path with the token in connectionParams (as the API expects).
 * A token that stops being accepted (HTTP 401, or the socket closed with 4403) signs the user out.
 */
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from '@urql/core';
import { createClient as createSocket, type Client as Socket } from 'graphql-ws';
import { GRAPHQL_PATH } from './auth';

export type SocketState = 'connecting' | 'live' | 'reconnecting';

export interface ApiClient {
  client: Client;
  socket: Socket;
  /** Current socket state and a way to follow it (for the header's live indicator). */
  socketState(): SocketState;
  onSocketState(listener: (state: SocketState) => void): () => void;
  dispose(): void;
}

const FORBIDDEN_CLOSE = 4403;

export function createApiClient(token: string, onRejected: () => void): ApiClient {
  const authorization = `Bearer ${token}`;
  const wsUrl = new URL(GRAPHQL_PATH, window.location.href);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';

  let state: SocketState = 'connecting';
  const listeners = new Set<(state: SocketState) => void>();
  const setState = (next: SocketState) => {
    state = next;
    listeners.forEach((listener) => listener(next));
  };

  const socket = createSocket({
    url: wsUrl.href,
    connectionParams: { authorization },
    lazy: false,
    // The dashboard is left open for hours: keep reconnecting (with graphql-ws' backoff), except
    // when the server refused the token.
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: (event) => !(isCloseEvent(event) && event.code === FORBIDDEN_CLOSE),
    on: {
      connected: () => setState('live'),
      closed: (event) => {
        if (isCloseEvent(event) && event.code === FORBIDDEN_CLOSE) onRejected();
        else setState('reconnecting');
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
      fetchExchange,
      subscriptionExchange({
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
    dispose: () => void socket.dispose(),
  };
}

function isCloseEvent(value: unknown): value is CloseEvent {
  return typeof value === 'object' && value !== null && 'code' in value;
}
