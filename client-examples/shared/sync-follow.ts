/**
 * What the three sync-progress examples share, whatever their GraphQL client library: the three
 * operations (GraphQL text) with the types of their results as a client sees them, the settings
 * from the environment, the printed lines and the exit code, and a follower that prints the
 * progress of the run it was given, races every step against a timeout or a dropped connection,
 * reports failures and closes what the example opened.
 *
 * All three examples reach the WebSocket through a graphql-ws client, made here by `createSocket`
 * with the settings the follower relies on (connect at once, no reconnects).
 *
 * It goes with client-examples/sync-progress-{graphql-ws,urql,apollo}.ts: copy it along with the
 * one you use, keeping the `shared/` folder next to it. It needs the graphql-ws and ws packages,
 * which every one of the examples uses anyway.
 */
import { createHash } from 'node:crypto';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';

// ---------------------------------------------------------------------------------------------
// What the server sends, as the examples ask for it. Names and fields follow schema.graphql.

export type SyncStatus = 'PENDING' | 'RUNNING' | 'SUCCESS' | 'PARTIAL' | 'FAILED' | 'CANCELLED' | 'INTERRUPTED';
export type SyncMode = 'FULL' | 'INCREMENTAL';
/** A run is over at one of these; INTERRUPTED is not: the run resumes from its last page. */
export const FINAL_STATUSES: ReadonlySet<SyncStatus> = new Set(['SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED']);

/** One `syncProgress` event, with the fields the examples ask for. */
export interface SyncProgress {
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

/** A run as `triggerSync` returns it. */
export interface SyncRun {
  id: string;
  status: SyncStatus;
  mode: string;
  scope: string;
  account: { id: string; name: string; channel: string };
}

export interface TriggerSyncPayload {
  runs: SyncRun[];
  errors: { code: string; message: string; field: string[] | null }[]; // field: path of the offending input
}

// ---------------------------------------------------------------------------------------------
// The operations, as GraphQL text; each example wraps them the way its library wants (gql,
// TypedDocumentNode), with the data and variables types below.

export const FIRST_ACCOUNT_QUERY = /* GraphQL */ `
  query FirstAccount {
    accounts(first: 1) { edges { node { id name channel } } }
  }
`;
export interface FirstAccountData {
  accounts: { edges: { node: { id: string; name: string; channel: string } }[] };
}

export const SYNC_PROGRESS_SUBSCRIPTION = /* GraphQL */ `
  subscription SyncProgress($runId: ID!) {
    syncProgress(runId: $runId) {
      runId status pagesDone pagesTotal created updated unchanged failed percent etaSeconds itemsPerSecond
    }
  }
`;
export interface SyncProgressData {
  syncProgress: SyncProgress;
}
export interface SyncProgressVariables {
  runId: string;
}

export const TRIGGER_SYNC_MUTATION = /* GraphQL */ `
  mutation TriggerSync($accountId: ID!, $mode: SyncMode!) {
    triggerSync(input: { accountIds: [$accountId], scope: PRODUCTS, mode: $mode }) {
      runs { id status mode scope account { id name channel } }
      errors { code message field }
    }
  }
`;
export interface TriggerSyncData {
  triggerSync: TriggerSyncPayload;
}
export interface TriggerSyncVariables {
  accountId: string;
  mode: SyncMode;
}

// ---------------------------------------------------------------------------------------------
// Settings, from the environment.

export interface Settings {
  /** Queries and mutations over HTTP. */
  httpUrl: string;
  /** Subscriptions: the same path, over WebSocket. */
  wsUrl: string;
  token: string;
  /** STOCKLINE_ACCOUNT; when unset, the examples take the first account. */
  accountId: string | undefined;
  mode: SyncMode;
  timeoutMs: number;
}

function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

/** Reads the settings; prints what is wrong and exits 2 on bad usage. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const httpUrl = (env.STOCKLINE_URL || 'http://localhost:4000/graphql').replace(/^ws(s?):\/\//, 'http$1://');
  const wsUrl = httpUrl.replace(/^http/, 'ws'); // subscriptions live on the same path, over WebSocket
  const token = env.STOCKLINE_TOKEN || usage('Set STOCKLINE_TOKEN to an API token with the OPERATOR role or above.');
  const modeSetting = (env.SYNC_MODE || 'FULL').toUpperCase();
  const mode = modeSetting === 'FULL' || modeSetting === 'INCREMENTAL' ? modeSetting : usage(`SYNC_MODE must be FULL or INCREMENTAL, not ${modeSetting}`);
  const timeoutMs = Number(env.SYNC_TIMEOUT_MS || 5 * 60_000);
  if (!(timeoutMs > 0)) usage('SYNC_TIMEOUT_MS must be a positive number of milliseconds');
  return { httpUrl, wsUrl, token, accountId: env.STOCKLINE_ACCOUNT || undefined, mode, timeoutMs };
}

/**
 * The graphql-ws client for the WebSocket side. Browsers cannot set headers on a WebSocket, so
 * the token travels in the connection_init message (`connectionParams`); over HTTP it goes in the
 * Authorization header instead.
 */
/**
 * A graphql-ws subscribe payload that names its document by hash (APQ's `extensions.persistedQuery`,
 * the sha256 of the exact text): Stockline runs the operations of its manifest this way, also when
 * restricted to them (PERSISTED_OPERATIONS=only). graphql-ws wants a string for `query`: empty.
 */
export function persistedPayload(query: string, variables: Record<string, unknown>) {
  return { query: '', variables, extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } } };
}

export function createSocket(settings: Settings): WsClient {
  return createClient({
    url: settings.wsUrl,
    webSocketImpl: WebSocket, // Node 20 has no global WebSocket; browsers need no such line
    connectionParams: { authorization: `Bearer ${settings.token}` },
    lazy: false, // connect now, so SyncFollower.connect can wait for the server's acknowledgement
    onNonLazyError: () => {}, // reported through SyncFollower.connect
    retryAttempts: 0, // events sent while reconnecting would be lost; fail instead
  });
}

// ---------------------------------------------------------------------------------------------
// Output.

/** One line per progress event: `page 3/10  30.0%  created 300 updated 0 unchanged 0 failed 0  eta 2.1s  512 items/s`. */
export function formatProgress(p: SyncProgress): string {
  const eta = p.etaSeconds === null ? 'eta ?' : `eta ${p.etaSeconds.toFixed(1)}s`;
  return (
    `page ${p.pagesDone}/${p.pagesTotal ?? '?'}  ${p.percent.toFixed(1)}%  ` +
    `created ${p.created} updated ${p.updated} unchanged ${p.unchanged} failed ${p.failed}  ` +
    `${eta}  ${Math.round(p.itemsPerSecond)} items/s`
  );
}

/** `run <id>: FULL PRODUCTS sync of Example store (STOREFRONT), PENDING` */
export function runLine(run: SyncRun): string {
  return `run ${run.id}: ${run.mode} ${run.scope} sync of ${run.account.name} (${run.account.channel}), ${run.status}`;
}

/** `run <id> finished: SUCCESS` */
export function finalLine(runId: string, status: SyncStatus): string {
  return `run ${runId} finished: ${status}`;
}

/** 0 when the run ends SUCCESS or PARTIAL, 1 when it ends FAILED or CANCELLED. */
export function exitCode(status: SyncStatus): number {
  return status === 'SUCCESS' || status === 'PARTIAL' ? 0 : 1;
}

/**
 * Describes what is not a client library's own error type: an Error, a WebSocket close event,
 * a WebSocket error event. Each example handles its library's errors first, then calls this.
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  const { code, reason, message } = (error ?? {}) as { code?: number; reason?: string; message?: string };
  if (code === 4403) return 'the server refused the token (4403 Forbidden): check STOCKLINE_TOKEN';
  if (code !== undefined) return `connection closed (${code}${reason ? ` ${reason}` : ''})`;
  return message ?? String(error); // e.g. a WebSocket error event for a refused connection
}

// ---------------------------------------------------------------------------------------------
// The follower.

/**
 * Follows the run that `triggerSync` started:
 *
 * - `started(payload)` prints the run's header line (or the server's refusal) and gives the run,
 *   whose progress the example then subscribes to by id. That subscription opens with the run as it
 *   stands, so it may start after the run did, even after it ended: nothing is lost in between, and
 *   there is no moment to wait for (graphql-ws never says when a subscription is listening).
 * - `onProgress` takes each event of that subscription and prints it.
 * - `finished()` waits for the run's final status, prints `run <id> finished: <status>` and gives
 *   the exit code.
 * - `guard(step)` races a step against the timeout (SYNC_TIMEOUT_MS), a dropped connection (see
 *   `connect`), or whatever the example passes to `fail` (a failed subscription, say).
 * - `run(flow)` runs the example's flow, prints why it stopped if it throws, and then closes
 *   everything given to `onStop`, so the process ends by itself.
 */
export class SyncFollower {
  /** The run being followed, once `started` has it. */
  runId: string | undefined;
  private finish!: (status: SyncStatus) => void;
  private readonly final = new Promise<SyncStatus>((resolve) => (this.finish = resolve));
  private reject!: (error: unknown) => void;
  private readonly failure = new Promise<never>((_, reject) => (this.reject = reject));
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly closers: (() => unknown)[] = [];
  private connected = false;
  private stopped = false;

  /** `describe` turns an error of the example's client library into a line of text. */
  constructor(
    private readonly settings: Settings,
    private readonly describe: (error: unknown) => string = describeError,
  ) {
    this.failure.catch(() => {}); // handled where it is raced
    this.timer = setTimeout(() => this.fail(new Error(`timed out after ${settings.timeoutMs / 1000}s (SYNC_TIMEOUT_MS)`)), settings.timeoutMs);
  }

  /** Stops whatever step is being awaited with this error. */
  readonly fail = (error: unknown): void => this.reject(error);

  guard<T>(step: Promise<T>): Promise<T> {
    return Promise.race([step, this.failure]);
  }

  /** Has `run` call `close` when it is done; the last one given is called first. */
  onStop(close: () => unknown): void {
    this.closers.unshift(close);
  }

  /** Waits for the server's acknowledgement; from then on a closed connection fails the follow. */
  async connect(ws: WsClient): Promise<void> {
    const { wsUrl } = this.settings;
    ws.on('error', (error) => {
      if (!this.connected) this.fail(new Error(`cannot connect to ${wsUrl}: ${this.describe(error)}`));
    });
    ws.on('closed', (event) => {
      if (!this.stopped) this.fail(new Error(`${this.connected ? 'connection lost' : `cannot connect to ${wsUrl}`}: ${this.describe(event)}`));
    });
    await this.guard(new Promise<void>((resolve) => ws.on('connected', () => resolve())));
    this.connected = true;
    console.error(`connected to ${wsUrl}`);
  }

  /**
   * Takes triggerSync's answer: prints the run's header line and returns the run to follow. When
   * the server refused (`errors` in the payload), prints them and returns undefined. An account that
   * is already syncing gets its current run back (maybe of another mode): that is the one followed.
   */
  started(payload: TriggerSyncPayload): SyncRun | undefined {
    if (payload.errors.length) {
      for (const e of payload.errors) console.error(`triggerSync refused: ${e.code}: ${e.message}${e.field ? ` (${e.field.join('.')})` : ''}`);
      return undefined;
    }
    const run = payload.runs[0];
    if (!run) throw new Error('triggerSync started no run');
    this.runId = run.id;
    console.log(runLine(run));
    return run;
  }

  /** Takes one event of the run's subscription. */
  readonly onProgress = (p: SyncProgress): void => {
    console.log(formatProgress(p));
    if (FINAL_STATUSES.has(p.status)) this.finish(p.status);
  };

  /** Waits for the run's final status, prints `run <id> finished: <status>` and returns the exit code. */
  async finished(): Promise<number> {
    const status = await this.guard(this.final);
    console.log(finalLine(this.runId!, status));
    return exitCode(status);
  }

  /** Runs the example's flow and returns its exit code: 1, with the reason on stderr, when it throws. */
  async run(flow: () => Promise<number>): Promise<number> {
    try {
      return await flow();
    } catch (error) {
      console.error(`${this.runId ? `run ${this.runId}: ` : ''}${this.describe(error)}`);
      if (this.runId) console.error('(the run itself goes on on the server; this client only stopped watching)');
      return 1;
    } finally {
      // Leave nothing open, so the process ends by itself. Closing the socket is no failure now.
      this.stopped = true;
      clearTimeout(this.timer);
      for (const close of this.closers) await close();
    }
  }
}
