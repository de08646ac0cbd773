/**
 * Triggers a product sync and prints its live progress, with urql (@urql/core): queries and
 * mutations go over HTTP (fetchExchange), the syncProgress subscription over WebSocket
 * (subscriptionExchange forwarding to a graphql-ws client).
 *
 *   STOCKLINE_TOKEN=stk_… npx tsx client-examples/sync-progress-urql.ts
 *
 *   STOCKLINE_URL      http://localhost:4000/graphql by default (the WebSocket uses the same path)
 *   STOCKLINE_TOKEN    an API token, OPERATOR or above (a VIEWER may watch progress, not trigger)
 *   STOCKLINE_ACCOUNT  id of the account to sync (default: the first account)
 *   SYNC_MODE          FULL (default) or INCREMENTAL
 *   SYNC_TIMEOUT_MS    give up after this long (default 300000, 5 minutes)
 *
 * Progress goes to stdout, connection messages and errors to stderr.
 * Exit code: 0 when the run ends SUCCESS or PARTIAL; 1 when it ends FAILED or CANCELLED, when the
 * server refuses (e.g. FORBIDDEN for a VIEWER token), or on timeout; 2 on bad usage.
 *
 * Settings, output lines, exit codes and the follow logic live in ./shared/sync-follow.ts (copy it too).
 */
import { Client, CombinedError, fetchExchange, gql, subscriptionExchange } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { FIRST_ACCOUNT_QUERY, SYNC_PROGRESS_SUBSCRIPTION, TRIGGER_SYNC_MUTATION, SyncFollower, createSocket, describeError, readSettings } from './shared/sync-follow.js';
import type { FirstAccountData, SyncProgressData, SyncProgressVariables, TriggerSyncData, TriggerSyncVariables } from './shared/sync-follow.js';

// ---------------------------------------------------------------------------------------------
// The operations (GraphQL text from the shared file), typed with gql<Data, Variables> so results
// and variables are checked.

const FIRST_ACCOUNT = gql<FirstAccountData>(FIRST_ACCOUNT_QUERY);
const SYNC_PROGRESS = gql<SyncProgressData, SyncProgressVariables>(SYNC_PROGRESS_SUBSCRIPTION);
const TRIGGER_SYNC = gql<TriggerSyncData, TriggerSyncVariables>(TRIGGER_SYNC_MUTATION);

/** urql reports failures as a CombinedError: GraphQL errors (with codes) or a network error. */
function describe(error: unknown): string {
  if (error instanceof CombinedError) {
    if (error.graphQLErrors.length) return error.graphQLErrors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ');
    return error.networkError?.message || error.message;
  }
  return describeError(error);
}

// ---------------------------------------------------------------------------------------------
// The clients.

const settings = readSettings(); // exits 2 on bad usage

// The WebSocket side: a graphql-ws client (token in connectionParams; see createSocket).
const ws = createSocket(settings);

// The urql client: HTTP for queries and mutations, the socket above for subscriptions.
const client = new Client({
  url: settings.httpUrl,
  fetchOptions: { headers: { authorization: `Bearer ${settings.token}` } },
  exchanges: [
    // Documents go as their sha256 hashes (Automatic Persisted Queries: an unknown hash is sent
    // again with its document), over both transports; Stockline's manifest has these.
    persistedExchange({ enableForMutation: true, enableForSubscriptions: true, preferGetForPersistedQueries: false }),
    fetchExchange,
    subscriptionExchange({
      forwardSubscription: (request) => ({
        subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
      }),
    }),
  ],
});

// Prints the run's progress, races every step (guard) against a timeout,
// a dropped connection or a failed subscription (fail), and closes the socket at the end.
const follower = new SyncFollower(settings, describe);
follower.onStop(() => ws.dispose());

// ---------------------------------------------------------------------------------------------
// The flow: connect, trigger, follow the run to its end.

async function main(): Promise<number> {
  await follower.connect(ws);

  let accountId = settings.accountId;
  if (!accountId) {
    const { data, error } = await follower.guard(client.query(FIRST_ACCOUNT, {}).toPromise());
    if (error) throw new Error(`accounts: ${describe(error)}`);
    accountId = data?.accounts.edges[0]?.node.id;
    if (!accountId) throw new Error('there are no accounts yet: create one (createAccount) or set STOCKLINE_ACCOUNT');
  }

  // 1. Trigger the run. Refusals come back as `errors` in the payload (printed by `started`), or as
  //    GraphQL errors (FORBIDDEN when the token's role may not trigger syncs).
  const { data, error } = await follower.guard(client.mutation(TRIGGER_SYNC, { accountId, mode: settings.mode }).toPromise());
  if (error || !data) throw new Error(`triggerSync: ${describe(error)}`);
  const run = follower.started(data.triggerSync);
  if (!run) return 1;

  // 2. Follow it by id: the subscription opens with the run as it stands, then each page as it is done.
  const { unsubscribe } = client.subscription(SYNC_PROGRESS, { runId: run.id }).subscribe((result) => {
    if (result.error) follower.fail(new Error(`syncProgress: ${describe(result.error)}`));
    else if (result.data) follower.onProgress(result.data.syncProgress);
  });
  follower.onStop(unsubscribe);

  // 3. Wait for its final status.
  return follower.finished();
}

process.exitCode = await follower.run(main);
