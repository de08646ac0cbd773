/**
 * Triggers a product sync and prints its live progress, with a bare graphql-ws client (no GraphQL
 * framework). The accounts query, the triggerSync mutation and the syncProgress subscription all
 * travel over one WebSocket: graphql-ws carries queries and mutations too, not only subscriptions.
 *
 *   STOCKLINE_TOKEN=stk_… npx tsx client-examples/sync-progress-graphql-ws.ts
 *
 *   STOCKLINE_URL      http://localhost:4000/graphql by default (ws:// and wss:// work too)
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
import type { GraphQLFormattedError } from 'graphql';
import { FIRST_ACCOUNT_QUERY, SYNC_PROGRESS_SUBSCRIPTION, TRIGGER_SYNC_MUTATION, SyncFollower, createSocket, describeError, persistedPayload, readSettings } from './shared/sync-follow.js';
import type { FirstAccountData, SyncProgressData, TriggerSyncData } from './shared/sync-follow.js';

// ---------------------------------------------------------------------------------------------
// The client.

const settings = readSettings(); // exits 2 on bad usage

// A graphql-ws client, connecting at once and never reconnecting. Browsers cannot set headers on a
// WebSocket, so the token travels in the connection_init message (see createSocket).
const client = createSocket(settings);

// ---------------------------------------------------------------------------------------------
// Helpers. The operations are plain GraphQL text (FIRST_ACCOUNT_QUERY and co., in the shared file).

/** GraphQL errors from the server, printed with their codes (FORBIDDEN, BAD_USER_INPUT, …). */
class GraphQLErrors extends Error {
  constructor(readonly errors: readonly GraphQLFormattedError[]) {
    super(errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
  }
}

/** graphql-ws rejects with an Error, a list of GraphQL errors, or a WebSocket close event. */
function describe(error: unknown): string {
  if (Array.isArray(error)) return new GraphQLErrors(error).message;
  return describeError(error);
}

/** Runs a query or mutation over the socket and resolves with its data; errors name the operation. */
async function request<T>(operation: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  try {
    for await (const result of client.iterate<T>(persistedPayload(query, variables))) {
      if (result.errors?.length) throw new GraphQLErrors(result.errors);
      return result.data as T; // a query or mutation has exactly one result
    }
  } catch (error) {
    throw new Error(`${operation}: ${describe(error)}`);
  }
  throw new Error(`${operation}: the server sent no result`);
}

// Prints the run's progress, races every step (guard) against a timeout,
// a dropped connection or a failed subscription (fail), and closes the client at the end.
const follower = new SyncFollower(settings, describe);
follower.onStop(() => client.dispose());

// ---------------------------------------------------------------------------------------------
// The flow: connect, trigger, follow the run to its end.

async function main(): Promise<number> {
  await follower.connect(client);

  const accountId =
    settings.accountId || (await follower.guard(request<FirstAccountData>('accounts', FIRST_ACCOUNT_QUERY))).accounts.edges[0]?.node.id;
  if (!accountId) throw new Error('there are no accounts yet: create one (createAccount) or set STOCKLINE_ACCOUNT');

  // 1. Trigger the run. Refusals come back as `errors` in the payload (printed by `started`), or as
  //    GraphQL errors (FORBIDDEN when the token's role may not trigger syncs).
  const { triggerSync } = await follower.guard(request<TriggerSyncData>('triggerSync', TRIGGER_SYNC_MUTATION, { accountId, mode: settings.mode }));
  const run = follower.started(triggerSync);
  if (!run) return 1;

  // 2. Follow it by id: the subscription opens with the run as it stands, then each page as it is done.
  const unsubscribe = client.subscribe<SyncProgressData>(
    persistedPayload(SYNC_PROGRESS_SUBSCRIPTION, { runId: run.id }),
    {
      next: (result) => {
        if (result.errors?.length) follower.fail(new Error(`syncProgress: ${new GraphQLErrors(result.errors).message}`));
        else if (result.data) follower.onProgress(result.data.syncProgress);
      },
      error: (error) => follower.fail(new Error(`syncProgress: ${describe(error)}`)),
      complete: () => follower.fail(new Error('the server ended the progress stream before the run finished')),
    },
  );
  follower.onStop(unsubscribe);

  // 3. Wait for its final status.
  return follower.finished();
}

process.exitCode = await follower.run(main);
