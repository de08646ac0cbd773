/**
 * The live state of sync runs as a pure reducer (no browser, no urql: tested on its own): the
 * latest state of each run heard of, bounded, and which of two states of a run is the later.
 */
export interface RunSummary {
  id: string;
  status: string;
  mode: string;
  scope: string;
  percent: number;
  pagesDone: number;
  pagesTotal: number | null;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  durationMs: number | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  triggeredBy: string;
  account: { id: string; name: string; channel: string };
}

export interface ProgressEvent {
  runId: string;
  accountId: string;
  status: string;
  percent: number;
  pagesDone: number;
  pagesTotal: number | null;
  etaSeconds: number | null;
  itemsPerSecond: number;
  phase: string | null;
}

export const FINAL_STATUSES = new Set(['SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED']);
export const isActive = (status: string) => !FINAL_STATUSES.has(status);

export interface LiveRun {
  runId: string;
  accountId: string;
  status: string;
  percent: number;
  mode?: string;
  pagesDone?: number;
  pagesTotal?: number | null;
  etaSeconds?: number | null;
  /** When it was last heard of (performance.now()): a query sent after that knows better. */
  at: number;
}

export interface LiveRuns {
  /** Latest known state of each run kept (active ones, each account's latest, the newest finished). */
  byRun: Record<string, LiveRun>;
  /** The latest run of each account heard of. */
  latestByAccount: Record<string, string>;
  /** Whole runs as syncRunUpdated sent them (for the recent runs list); the same runs as byRun at most. */
  updates: Record<string, RunSummary>;
  /** Counts finished runs: panels refetch their figures (freshness, statistics, alerts) when it moves. */
  finished: number;
}

/** Finished runs kept besides the active ones and each account's latest (the page stays open for days). */
export const KEEP_FINISHED = 50;

export type LiveRunsAction =
  | { type: 'progress'; event: ProgressEvent; at: number }
  | { type: 'run'; run: RunSummary; at: number }
  | { type: 'note'; run: RunSummary; at: number }
  | { type: 'reconnected' };

export function reduceLiveRuns(state: LiveRuns, action: LiveRunsAction): LiveRuns {
  if (action.type === 'reconnected') return forgetActive(state);
  // A mutation's answer may come after the events it caused: it only fills in an unknown run.
  if (action.type === 'note') return state.byRun[action.run.id] ? state : reduceLiveRuns(state, { type: 'run', run: action.run, at: action.at });
  const fromRun = action.type === 'run';
  const runId = fromRun ? action.run.id : action.event.runId;
  const accountId = fromRun ? action.run.account.id : action.event.accountId;
  const before = state.byRun[runId];
  // A page event can arrive after the run's final update was delivered on the other stream:
  // a finished run never goes back to running.
  if (before && !isActive(before.status) && !fromRun) return state;
  const next: LiveRun = fromRun
    ? { ...before, runId, accountId, status: action.run.status, percent: action.run.percent, mode: action.run.mode, pagesDone: action.run.pagesDone, pagesTotal: action.run.pagesTotal, at: action.at }
    : { ...before, runId, accountId, status: action.event.status, percent: action.event.percent, pagesDone: action.event.pagesDone, pagesTotal: action.event.pagesTotal, etaSeconds: action.event.etaSeconds, at: action.at };
  // Events of one run come in order, but the two streams interleave: an active bar never moves back.
  if (before && isActive(next.status)) next.percent = Math.max(before.percent, next.percent);
  const justFinished = (!before || isActive(before.status)) && !isActive(next.status);
  const updated: LiveRuns = {
    byRun: { ...state.byRun, [runId]: next },
    latestByAccount: { ...state.latestByAccount, [accountId]: runId },
    updates: fromRun ? { ...state.updates, [runId]: action.run } : state.updates,
    finished: state.finished + (justFinished ? 1 : 0),
  };
  // Only a run heard of for the first time, or one that just finished, can pass the bound.
  return !before || justFinished ? prune(updated) : updated;
}

/** Keeps the active runs, each account's latest run and the KEEP_FINISHED newest finished ones. */
function prune(state: LiveRuns): LiveRuns {
  const latest = new Set(Object.values(state.latestByAccount));
  const finished = Object.values(state.byRun).filter((run) => !isActive(run.status) && !latest.has(run.runId));
  if (finished.length <= KEEP_FINISHED) return state;
  const dropped = new Set(
    finished
      .sort((a, b) => b.at - a.at)
      .slice(KEEP_FINISHED)
      .map((run) => run.runId),
  );
  return { ...state, byRun: without(state.byRun, dropped), updates: without(state.updates, dropped) };
}

/**
 * After a reconnection: the events of the gap are lost, so what is known of the runs that were
 * active may be stale (one may have finished unseen). Forget them; the panels read them again.
 */
function forgetActive(state: LiveRuns): LiveRuns {
  const dropped = new Set(Object.values(state.byRun).filter((run) => isActive(run.status)).map((run) => run.runId));
  if (dropped.size === 0) return state;
  return {
    byRun: without(state.byRun, dropped),
    latestByAccount: Object.fromEntries(Object.entries(state.latestByAccount).filter(([, runId]) => !dropped.has(runId))),
    updates: without(state.updates, dropped),
    finished: state.finished,
  };
}

const without = <T>(record: Record<string, T>, keys: Set<string>): Record<string, T> => Object.fromEntries(Object.entries(record).filter(([key]) => !keys.has(key)));

type RunState = { status: string; percent: number };

/**
 * Of two states of one run, the later: a run only moves forward (once finished it stays so, and
 * its percent only grows while it is active). On a tie, the second.
 */
export function laterOf<A extends RunState, B extends RunState>(a: A, b: B): A | B {
  if (isActive(a.status) !== isActive(b.status)) return isActive(a.status) ? b : a;
  return isActive(b.status) && a.percent > b.percent ? a : b;
}

export const EMPTY_LIVE_RUNS: LiveRuns = { byRun: {}, latestByAccount: {}, updates: {}, finished: 0 };

