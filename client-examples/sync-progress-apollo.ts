/**
 * Triggers a product sync and prints its live progress, with Apollo Client (v4): a split link
 * sends queries and mutations over HTTP (HttpLink) and subscriptions over WebSocket
 * (GraphQLWsLink over a graphql-ws client).
 *
 *   STOCKLINE_TOKEN=stk_… npx tsx client-examples/sync-progress-apollo.ts
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
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql, type TypedDocumentNode } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createHash } from 'node:crypto';
import { OperationTypeNode } from 'graphql';
import WebSocket from 'ws';
import { FIRST_ACCOUNT_QUERY, SYNC_PROGRESS_SUBSCRIPTION, TRIGGER_SYNC_MUTATION, SyncFollower, createSocket, describeError, readSettings } from './shared/sync-follow.js';
import type { FirstAccountData, SyncProgressData, SyncProgressVariables, TriggerSyncData, TriggerSyncVariables } from './shared/sync-follow.js';

// ---------------------------------------------------------------------------------------------
// The operations (GraphQL text from the shared file), typed as TypedDocumentNode<Data, Variables>
// so results and variables are checked.

const FIRST_ACCOUNT: TypedDocumentNode<FirstAccountData> = gql(FIRST_ACCOUNT_QUERY);
const SYNC_PROGRESS: TypedDocumentNode<SyncProgressData, SyncProgressVariables> = gql(SYNC_PROGRESS_SUBSCRIPTION);
const TRIGGER_SYNC: TypedDocumentNode<TriggerSyncData, TriggerSyncVariables> = gql(TRIGGER_SYNC_MUTATION);

// ---------------------------------------------------------------------------------------------
// Helpers.

/** Apollo throws CombinedGraphQLErrors for GraphQL errors (with codes), other errors for the network. */
function describe(error: unknown): string {
  if (CombinedGraphQLErrors.is(error)) return error.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ');
  return describeError(error);
}

/** Names the operation in its error, e.g. `triggerSync: FORBIDDEN: …`. */
function labelled<T>(operation: string, request: Promise<T>): Promise<T> {
  return request.catch((error: unknown) => {
    throw new Error(`${operation}: ${describe(error)}`);
  });
}

// ---------------------------------------------------------------------------------------------
// The clients.

const settings = readSettings(); // exits 2 on bad usage

// Node 20 has no global WebSocket (Node 22 does), and GraphQLWsLink reads `WebSocket.CLOSED` when
// it reports a subscription error; without this line a refused subscription surfaces as
// "WebSocket is not defined" instead of the server's message.
globalThis.WebSocket ??= WebSocket as unknown as typeof globalThis.WebSocket;

// The WebSocket side: a graphql-ws client (token in connectionParams; see createSocket).
const ws = createSocket(settings);

// Subscriptions to the socket, everything else to HTTP with the token in the Authorization header.
const link = ApolloLink.split(
  (operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION,
  new GraphQLWsLink(ws),
  // Over HTTP the documents go as their sha256 hashes (Automatic Persisted Queries; Stockline's
  // manifest has these). GraphQLWsLink always sends the document: the server accepts it because it
  // is the manifest's own text.
  new PersistedQueryLink({ sha256: (text) => createHash('sha256').update(text).digest('hex') }).concat(
    new HttpLink({ uri: settings.httpUrl, headers: { authorization: `Bearer ${settings.token}` } }),
  ),
);
const client = new ApolloClient({ link, cache: new InMemoryCache() });

// Prints the run's progress, races every step (guard) against a timeout,
// a dropped connection or a failed subscription (fail), and closes the clients at the end.
const follower = new SyncFollower(settings, describe);
follower.onStop(async () => {
  client.stop();
  await ws.dispose();
});

// ---------------------------------------------------------------------------------------------
// The flow: connect, trigger, follow the run to its end.

async function main(): Promise<number> {
  await follower.connect(ws);

  // query() and mutate() reject on GraphQL errors (the default errorPolicy 'none').
  const accountId =
    settings.accountId ||
    (await follower.guard(labelled('accounts', client.query({ query: FIRST_ACCOUNT, fetchPolicy: 'network-only' })))).data?.accounts.edges[0]?.node.id;
  if (!accountId) throw new Error('there are no accounts yet: create one (createAccount) or set STOCKLINE_ACCOUNT');

  // 1. Trigger the run. Refusals come back as `errors` in the payload (printed by `started`), or as
  //    GraphQL errors (FORBIDDEN when the token's role may not trigger syncs).
  const variables = { accountId, mode: settings.mode };
  const { data } = await follower.guard(labelled('triggerSync', client.mutate({ mutation: TRIGGER_SYNC, variables })));
  if (!data) throw new Error('triggerSync returned no data');
  const run = follower.started(data.triggerSync);
  if (!run) return 1;

  // 2. Follow it by id: the subscription opens with the run as it stands, then each page as it is done.
  const subscription = client
    // 'no-cache': progress events are a stream to print, not entities to keep in the cache.
    .subscribe({ query: SYNC_PROGRESS, variables: { runId: run.id }, fetchPolicy: 'no-cache' })
    .subscribe({
      next: ({ data, error }) => {
        if (error) follower.fail(new Error(`syncProgress: ${describe(error)}`));
        else if (data) follower.onProgress(data.syncProgress);
      },
      error: (error) => follower.fail(new Error(`syncProgress: ${describe(error)}`)),
      complete: () => follower.fail(new Error('the server ended the progress stream before the run finished')),
    });
  follower.onStop(() => subscription.unsubscribe());

  // 3. Wait for its final status.
  return follower.finished();
}

process.exitCode = await follower.run(main);
