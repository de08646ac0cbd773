/**
 * graphql-ws clients for tests: each connects at once (so a refused connection shows), never
 * retries, and is remembered; `disposeWsClients()` in afterAll closes every one still open.
 */
import { createClient, type Client, type ClientOptions } from 'graphql-ws';
import WebSocket from 'ws';

const clients = new Set<Client>();

/**
 * A client of the service at `httpUrl` (http://host:port), with a bearer token or none. `options`
 * override the defaults (`lazy: true` connects on the first subscription and closes after the last).
 */
export function openWsClient(httpUrl: string, token: string | null, options: Partial<ClientOptions> = {}): Client {
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
    ...options,
  });
  clients.add(client);
  return client;
}

export async function disposeWsClients(): Promise<void> {
  const open = [...clients];
  clients.clear();
  await Promise.all(open.map((client) => client.dispose()));
}
