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
 */
import { Client, CombinedError, fetchExchange, gql, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';

// ---------------------------------------------------------------------------------------------
// The operations, typed with gql<Data, Variables> so results and variables are checked.

type SyncStatus = 'PENDING' | 'RUNNING' | 'SUCCESS' | 'PARTIAL' | 'FAILED' | 'CANCELLED' | 'INTERRUPTED';
/** A run is over at one of these; INTERRUPTED is not: the run resumes from its last page. */
const FINAL_STATUSES: ReadonlySet<SyncStatus> = new Set(['SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED']);

interface SyncProgress {
  runId: string;
  status: SyncStatus;
  pagesDone: number;
  pagesTotal: number | null; // unknown until the marketplace reports a total
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  percent: number;
  etaSeconds: number | null;
  itemsPerSecond: number;
}

interface TriggerSyncPayload {
  runs: { id: string; status: SyncStatus; mode: string; scope: string; account: { id: string; name: string; channel: string } }[];
  errors: { code: string; message: string; field: string[] | null }[]; // field: path of the offending input
}

const FIRST_ACCOUNT = gql<{ accounts: { edges: { node: { id: string; name: string; channel: string } }[] } }>`
  query FirstAccount {
    accounts(first: 1) { edges { node { id name channel } } }
  }
`;

const SYNC_PROGRESS = gql<{ syncProgress: SyncProgress }, { accountId: string }>`
  subscription SyncProgress($accountId: ID!) {
    syncProgress(accountId: $accountId) {
      runId status pagesDone pagesTotal created updated unchanged failed percent etaSeconds itemsPerSecond
    }
  }
`;

const TRIGGER_SYNC = gql<{ triggerSync: TriggerSyncPayload }, { accountId: string; mode: 'FULL' | 'INCREMENTAL' }>`
  mutation TriggerSync($accountId: ID!, $mode: SyncMode!) {
    triggerSync(input: { accountIds: [$accountId], scope: PRODUCTS, mode: $mode }) {
      runs { id status mode scope account { id name channel } }
      errors { code message field }
    }
  }
`;

// ---------------------------------------------------------------------------------------------
// Settings, from the environment.

function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

const httpUrl = (process.env.STOCKLINE_URL || 'http://localhost:4000/graphql').replace(/^ws(s?):\/\//, 'http$1://');
const wsUrl = httpUrl.replace(/^http/, 'ws'); // subscriptions live on the same path, over WebSocket
const token = process.env.STOCKLINE_TOKEN || usage('Set STOCKLINE_TOKEN to an API token with the OPERATOR role or above.');
const modeSetting = (process.env.SYNC_MODE || 'FULL').toUpperCase();
const mode = modeSetting === 'FULL' || modeSetting === 'INCREMENTAL' ? modeSetting : usage(`SYNC_MODE must be FULL or INCREMENTAL, not ${modeSetting}`);
const timeoutMs = Number(process.env.SYNC_TIMEOUT_MS || 5 * 60_000);
if (!(timeoutMs > 0)) usage('SYNC_TIMEOUT_MS must be a positive number of milliseconds');

/**
 * graphql-ws does not acknowledge a subscribe message: the server starts listening a moment
 * after it arrives. Wait this long before triggering the run so its first events are not missed.
 */
const SUBSCRIBE_SETTLE_MS = 250;

// ---------------------------------------------------------------------------------------------
// Helpers.

/** urql reports failures as a CombinedError: GraphQL errors (with codes) or a network error. */
function describe(error: unknown): string {
  if (error instanceof CombinedError) {
    if (error.graphQLErrors.length) return error.graphQLErrors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ');
    return error.networkError?.message || error.message;
  }
  if (error instanceof Error) return error.message;
  const { code, reason, message } = (error ?? {}) as { code?: number; reason?: string; message?: string };
  if (code === 4403) return 'the server refused the token (4403 Forbidden): check STOCKLINE_TOKEN';
  if (code !== undefined) return `connection closed (${code}${reason ? ` ${reason}` : ''})`;
  return message ?? String(error); // e.g. a WebSocket error event for a refused connection
}

/** One line per progress event: `page 3/10  30.0%  created 300 updated 0 unchanged 0 failed 0  eta 2.1s  512 items/s`. */
function formatProgress(p: SyncProgress): string {
  const eta = p.etaSeconds === null ? 'eta ?' : `eta ${p.etaSeconds.toFixed(1)}s`;
  return (
    `page ${p.pagesDone}/${p.pagesTotal ?? '?'}  ${p.percent.toFixed(1)}%  ` +
    `created ${p.created} updated ${p.updated} unchanged ${p.unchanged} failed ${p.failed}  ` +
    `${eta}  ${Math.round(p.itemsPerSecond)} items/s`
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// The clients.

// The WebSocket side: a graphql-ws client. Browsers cannot set headers on a WebSocket, so the
// token travels in the connection_init message.
const ws = createWsClient({
  url: wsUrl,
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${token}` },
  lazy: false, // connect now, so we can wait for the server's acknowledgement below
  onNonLazyError: () => {}, // reported through `failure` below
  retryAttempts: 0, // events sent while reconnecting would be lost; fail instead
});

// The urql client: HTTP for queries and mutations, the socket above for subscriptions.
const client = new Client({
  url: httpUrl,
  fetchOptions: { headers: { authorization: `Bearer ${token}` } },
  exchanges: [
    fetchExchange,
    subscriptionExchange({
      forwardSubscription: (request) => ({
        subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
      }),
    }),
  ],
});

// ---------------------------------------------------------------------------------------------
// The flow: connect, subscribe, trigger, follow the run to its end.

async function main(): Promise<number> {
  // Everything below is raced against `failure`: a timeout, a dropped connection, a failed subscription.
  let fail!: (error: unknown) => void;
  const failure = new Promise<never>((_, reject) => (fail = reject));
  failure.catch(() => {}); // handled where it is raced
  const guard = <T>(step: Promise<T>) => Promise.race([step, failure]);
  const timer = setTimeout(() => fail(new Error(`timed out after ${timeoutMs / 1000}s (SYNC_TIMEOUT_MS)`)), timeoutMs);
  let connected = false;
  let stopped = false;
  ws.on('error', (error) => {
    if (!connected) fail(new Error(`cannot connect to ${wsUrl}: ${describe(error)}`));
  });
  ws.on('closed', (event) => {
    if (!stopped) fail(new Error(`${connected ? 'connection lost' : `cannot connect to ${wsUrl}`}: ${describe(event)}`));
  });

  let unsubscribe = () => {};
  let runId: string | undefined;
  try {
    await guard(new Promise<void>((resolve) => ws.on('connected', () => resolve())));
    connected = true;
    console.error(`connected to ${wsUrl}`);

    let accountId = process.env.STOCKLINE_ACCOUNT;
    if (!accountId) {
      const { data, error } = await guard(client.query(FIRST_ACCOUNT, {}).toPromise());
      if (error) throw new Error(`accounts: ${describe(error)}`);
      accountId = data?.accounts.edges[0]?.node.id;
      if (!accountId) throw new Error('there are no accounts yet: create one (createAccount) or set STOCKLINE_ACCOUNT');
    }

    // 1. Subscribe first, so no event of the run can slip by before we listen.
    //    Events that arrive before triggerSync answers are kept in `early` until we know the run id.
    const early: SyncProgress[] = [];
    let finish!: (status: SyncStatus) => void;
    const finished = new Promise<SyncStatus>((resolve) => (finish = resolve));
    const onProgress = (p: SyncProgress) => {
      if (runId === undefined) return void early.push(p);
      if (p.runId !== runId) return; // another run of the same account (e.g. a scheduled one)
      console.log(formatProgress(p));
      if (FINAL_STATUSES.has(p.status)) finish(p.status);
    };
    ({ unsubscribe } = client.subscription(SYNC_PROGRESS, { accountId }).subscribe((result) => {
      if (result.error) fail(new Error(`syncProgress: ${describe(result.error)}`));
      else if (result.data) onProgress(result.data.syncProgress);
    }));
    await guard(sleep(SUBSCRIBE_SETTLE_MS)); // also surfaces a refused subscription before we trigger

    // 2. Trigger the run. Refusals come back as `errors` in the payload, or as GraphQL errors
    //    (FORBIDDEN when the token's role may not trigger syncs).
    const { data, error } = await guard(client.mutation(TRIGGER_SYNC, { accountId, mode }).toPromise());
    if (error || !data) throw new Error(`triggerSync: ${describe(error)}`);
    if (data.triggerSync.errors.length) {
      for (const e of data.triggerSync.errors) console.error(`triggerSync refused: ${e.code}: ${e.message}${e.field ? ` (${e.field.join('.')})` : ''}`);
      return 1;
    }
    const run = data.triggerSync.runs[0];
    if (!run) throw new Error('triggerSync started no run');
    runId = run.id;
    // An account that is already syncing gets its current run back (maybe of another mode): follow that one.
    console.log(`run ${run.id}: ${run.mode} ${run.scope} sync of ${run.account.name} (${run.account.channel}), ${run.status}`);

    // 3. Follow it: replay what arrived early, then wait for the final event.
    early.splice(0).forEach(onProgress);
    const status = await guard(finished);
    console.log(`run ${run.id} finished: ${status}`);
    return status === 'SUCCESS' || status === 'PARTIAL' ? 0 : 1;
  } catch (error) {
    console.error(`${runId ? `run ${runId}: ` : ''}${describe(error)}`);
    if (runId) console.error('(the run itself goes on on the server; this client only stopped watching)');
    return 1;
  } finally {
    // Leave nothing open, so the process ends by itself.
    stopped = true;
    clearTimeout(timer);
    unsubscribe();
    await ws.dispose();
  }
}

process.exitCode = await main();
