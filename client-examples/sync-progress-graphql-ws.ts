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
 */
import { createClient, type Client } from 'graphql-ws';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import WebSocket from 'ws';

// ---------------------------------------------------------------------------------------------
// The operations. Names and fields follow schema.graphql.

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

const FIRST_ACCOUNT = /* GraphQL */ `
  query FirstAccount {
    accounts(first: 1) { edges { node { id name channel } } }
  }
`;

const SYNC_PROGRESS = /* GraphQL */ `
  subscription SyncProgress($accountId: ID!) {
    syncProgress(accountId: $accountId) {
      runId status pagesDone pagesTotal created updated unchanged failed percent etaSeconds itemsPerSecond
    }
  }
`;

const TRIGGER_SYNC = /* GraphQL */ `
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

/** GraphQL errors from the server, printed with their codes (FORBIDDEN, BAD_USER_INPUT, …). */
class GraphQLErrors extends Error {
  constructor(readonly errors: readonly GraphQLFormattedError[]) {
    super(errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
  }
}

/** graphql-ws rejects with an Error, a list of GraphQL errors, or a WebSocket close event. */
function describe(error: unknown): string {
  if (Array.isArray(error)) return new GraphQLErrors(error).message;
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

/** Runs a query or mutation over the socket and resolves with its data; errors name the operation. */
async function request<T>(client: Client, operation: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  try {
    for await (const result of client.iterate<T>({ query, variables })) {
      if (result.errors?.length) throw new GraphQLErrors(result.errors);
      return result.data as T; // a query or mutation has exactly one result
    }
  } catch (error) {
    throw new Error(`${operation}: ${describe(error)}`);
  }
  throw new Error(`${operation}: the server sent no result`);
}

// ---------------------------------------------------------------------------------------------
// The flow: connect, subscribe, trigger, follow the run to its end.

async function main(): Promise<number> {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    // Browsers cannot set headers on a WebSocket, so the token travels in the connection_init message.
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false, // connect now, so we can wait for the server's acknowledgement below
    onNonLazyError: () => {}, // reported through `failure` below
    retryAttempts: 0, // events sent while reconnecting would be lost; fail instead
  });

  // Everything below is raced against `failure`: a timeout, a dropped connection, a failed subscription.
  let fail!: (error: unknown) => void;
  const failure = new Promise<never>((_, reject) => (fail = reject));
  failure.catch(() => {}); // handled where it is raced
  const guard = <T>(step: Promise<T>) => Promise.race([step, failure]);
  const timer = setTimeout(() => fail(new Error(`timed out after ${timeoutMs / 1000}s (SYNC_TIMEOUT_MS)`)), timeoutMs);
  let connected = false;
  let stopped = false;
  client.on('error', (error) => {
    if (!connected) fail(new Error(`cannot connect to ${wsUrl}: ${describe(error)}`));
  });
  client.on('closed', (event) => {
    if (!stopped) fail(new Error(`${connected ? 'connection lost' : `cannot connect to ${wsUrl}`}: ${describe(event)}`));
  });

  let unsubscribe = () => {};
  let runId: string | undefined;
  try {
    await guard(new Promise<void>((resolve) => client.on('connected', () => resolve())));
    connected = true;
    console.error(`connected to ${wsUrl}`);

    const accountId =
      process.env.STOCKLINE_ACCOUNT ||
      (await guard(request<{ accounts: { edges: { node: { id: string } }[] } }>(client, 'accounts', FIRST_ACCOUNT))).accounts.edges[0]?.node.id;
    if (!accountId) throw new Error('there are no accounts yet: create one (createAccount) or set STOCKLINE_ACCOUNT');

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
    unsubscribe = client.subscribe<{ syncProgress: SyncProgress }>(
      { query: SYNC_PROGRESS, variables: { accountId } },
      {
        next: (result) => {
          if (result.errors?.length) fail(new Error(`syncProgress: ${new GraphQLErrors(result.errors).message}`));
          else if (result.data) onProgress(result.data.syncProgress);
        },
        error: (error) => fail(new Error(`syncProgress: ${describe(error)}`)),
        complete: () => fail(new Error('the server ended the progress stream before the run finished')),
      },
    );
    await guard(sleep(SUBSCRIBE_SETTLE_MS)); // also surfaces a refused subscription before we trigger

    // 2. Trigger the run. Refusals come back as `errors` in the payload, or as GraphQL errors
    //    (FORBIDDEN when the token's role may not trigger syncs).
    const { triggerSync } = await guard(request<{ triggerSync: TriggerSyncPayload }>(client, 'triggerSync', TRIGGER_SYNC, { accountId, mode }));
    if (triggerSync.errors.length) {
      for (const e of triggerSync.errors) console.error(`triggerSync refused: ${e.code}: ${e.message}${e.field ? ` (${e.field.join('.')})` : ''}`);
      return 1;
    }
    const run = triggerSync.runs[0];
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
    await client.dispose();
  }
}

process.exitCode = await main();
