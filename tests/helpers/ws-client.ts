/**
 * graphql-ws clients for tests: each connects at once (so a refused connection shows), never
 * retries, and is remembered; `disposeWsClients()` in afterAll closes every one still open.
 */
import { createClient, type Client, type ClientOptions } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestApp } from './app.js';

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

/** How many subscriptions `app` runs (its graphql_subscriptions_active gauge: one counts once its event stream listens). */
export async function openSubscriptions(app: TestApp): Promise<number> {
  return (await app.app.services.metrics!.subscriptions.get()).values[0]?.value ?? 0;
}

/**
 * Waits until `app` runs exactly `count` subscriptions (its graphql_subscriptions_active gauge, over
 * graphql-ws and SSE alike); those just opened then listen for their events. A subscription becomes
 * live some time after the client sends it (the server authenticates and admits it first), later
 * still on a loaded machine: wait on this, not on a fixed pause, before publishing what it must hear.
 * Ones a test closed end on the server a moment after the client let go: when some may still be
 * ending, wait for them first (`count` 0, or what stays open) so that they are not counted as new.
 */
export async function waitForSubscriptions(app: TestApp, count: number, timeoutMs = 10_000): Promise<void> {
  const running = () => openSubscriptions(app);
  const until = Date.now() + timeoutMs;
  for (let now = await running(); now !== count; now = await running()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${count} subscription(s) to run (${now} running)`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
