/**
 * Streams Stockline domain events with a bare graphql-ws client (no GraphQL framework).
 *
 *   STOCKLINE_TOKEN=stk_… npx tsx client-examples/graphql-ws-events.ts [--types a,b] [--limit N] [--json]
 *
 *   STOCKLINE_URL    ws://localhost:4000/graphql by default (http:// and https:// work too)
 *   STOCKLINE_TOKEN  an API token, VIEWER or above
 *   --types          event types to receive, comma-separated or repeated (default: all;
 *                    the `eventTypes` query lists them), e.g. --types batch.created,work_center.created
 *   --limit N        exit after N events
 *   --json           print each event as one JSON line instead of a readable line
 *
 * Events go to stdout, connection status to stderr, so `… --json | jq` works.
 */
import { parseArgs } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

interface DomainEvent {
  id: string;
  type: string;
  occurredAt: string;
  actor: string;
  payload: unknown;
}

const SUBSCRIPTION = /* GraphQL */ `
  subscription DomainEvents($types: [String!]) {
    domainEvents(types: $types) {
      id
      type
      occurredAt
      actor
      payload
    }
  }
`;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    types: { type: 'string', multiple: true },
    limit: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: STOCKLINE_TOKEN=<token> [STOCKLINE_URL=ws://localhost:4000/graphql] npx tsx client-examples/graphql-ws-events.ts [--types a,b] [--limit N] [--json]');
  process.exit(0);
}

const url = (process.env.STOCKLINE_URL || 'ws://localhost:4000/graphql').replace(/^http(s?):\/\//, 'ws$1://');
const token = process.env.STOCKLINE_TOKEN;
if (!token) fail('Set STOCKLINE_TOKEN to an API token (the development ADMIN token printed by `npm start` will do).');
const limit = values.limit === undefined ? Infinity : Number(values.limit);
if (!(Number.isInteger(limit) && limit > 0) && limit !== Infinity) fail('--limit must be a positive integer');
const types = (values.types ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);

const FORBIDDEN = 4403; // the server refused the token: retrying will not help

const client: Client = createClient({
  url,
  webSocketImpl: WebSocket,
  // Browsers cannot set headers on a WebSocket, so the token travels in the connection_init message.
  connectionParams: { authorization: `Bearer ${token}` },
  // Connect now rather than on the first subscribe, and stay connected through idle periods.
  lazy: false,
  onNonLazyError: () => {}, // the subscription below reports the failure
  keepAlive: 15_000,
  retryAttempts: 5,
  retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** retries, 10_000))),
  // Retry dropped connections and refused connects alike, but not a refused token.
  shouldRetry: (event) => (event as { code?: number } | null)?.code !== FORBIDDEN,
  on: {
    connecting: (isRetry) => {
      if (isRetry) console.error(`reconnecting to ${url}…`);
    },
    connected: () => console.error(`connected to ${url}; waiting for ${types.length ? types.join(', ') : 'all'} events…`),
    closed: (event) => {
      const { code, reason } = event as { code?: number; reason?: string };
      if (code === FORBIDDEN) console.error('the server refused the token (4403): check STOCKLINE_TOKEN');
      else if (!stopping) console.error(`connection closed${code ? ` (${code}${reason ? ` ${reason}` : ''})` : ''}`);
    },
  },
});

let stopping = false;
async function stop(code: number) {
  stopping = true;
  await client.dispose();
  process.exit(code);
}
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

function describe(error: unknown): string {
  if (Array.isArray(error)) return error.map((e: { message?: string }) => e.message ?? String(e)).join('; ');
  if (error instanceof Error) return error.message || error.name;
  const { code, reason, message } = (error ?? {}) as { code?: number; reason?: string; message?: string };
  if (code !== undefined) return `connection closed (${code}${reason ? ` ${reason}` : ''})`;
  if (message) return message; // a WebSocket ErrorEvent (e.g. connection refused)
  return String(error);
}

let received = 0;
try {
  const events = client.iterate<{ domainEvents: DomainEvent }>({ query: SUBSCRIPTION, variables: { types: types.length ? types : null } });
  for await (const result of events) {
    if (result.errors?.length) {
      console.error(`subscription error: ${result.errors.map((e) => e.message).join('; ')}`);
      await stop(1);
    }
    const event = result.data?.domainEvents;
    if (!event) continue;
    received += 1;
    if (values.json) console.log(JSON.stringify(event));
    else console.log(`${event.occurredAt}  ${event.type.padEnd(24)} by ${event.actor}  ${JSON.stringify(event.payload)}`);
    if (received >= limit) break; // ends the subscription (sends `complete`)
  }
  await stop(0);
} catch (error) {
  console.error(`subscription failed: ${describe(error)}`);
  await stop(1);
}
