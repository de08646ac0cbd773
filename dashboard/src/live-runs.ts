/**
 * Live state of sync runs, from two subscriptions opened once for the overview: `syncProgress`
 * (every run, each page) and `syncRunUpdated` (queued, started, interrupted, finished). Nothing
 * is polled: the bars and the runs list move with these events.
 */
import { gql } from '@urql/core';
import { useClient } from '@urql/preact';
import { useCallback, useEffect, useReducer } from 'preact/hooks';

export const RUN_FIELDS = `id status mode scope percent pagesDone pagesTotal created updated unchanged failed durationMs error createdAt startedAt finishedAt triggeredBy account { id name channel }`;

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

const SYNC_PROGRESS = gql<{ syncProgress: ProgressEvent }>(`subscription DashboardSyncProgress { syncProgress { runId accountId status percent pagesDone pagesTotal etaSeconds itemsPerSecond phase } }`);
const SYNC_RUN_UPDATED = gql<{ syncRunUpdated: RunSummary }>(`subscription DashboardSyncRunUpdated { syncRunUpdated { ${RUN_FIELDS} } }`);

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
}

export interface LiveRuns {
  /** Latest known state of each run heard of. */
  byRun: Record<string, LiveRun>;
  /** The latest run of each account heard of. */
  latestByAccount: Record<string, string>;
  /** Whole runs as syncRunUpdated sent them (for the recent runs list). */
  updates: Record<string, RunSummary>;
  /** Counts finished runs: panels refetch their figures (freshness, statistics) when it moves. */
  finished: number;
}

type Action = { type: 'progress'; event: ProgressEvent } | { type: 'run'; run: RunSummary } | { type: 'note'; run: RunSummary };

function reduce(state: LiveRuns, action: Action): LiveRuns {
  // A mutation's answer may come after the events it caused: it only fills in an unknown run.
  if (action.type === 'note') return state.byRun[action.run.id] ? state : reduce(state, { type: 'run', run: action.run });
  const fromRun = action.type === 'run';
  const runId = fromRun ? action.run.id : action.event.runId;
  const accountId = fromRun ? action.run.account.id : action.event.accountId;
  const before = state.byRun[runId];
  // A page event can arrive after the run's final update was delivered on the other stream:
  // a finished run never goes back to running.
  if (before && !isActive(before.status) && !fromRun) return state;
  const next: LiveRun = fromRun
    ? { ...before, runId, accountId, status: action.run.status, percent: action.run.percent, mode: action.run.mode, pagesDone: action.run.pagesDone, pagesTotal: action.run.pagesTotal }
    : { ...before, runId, accountId, status: action.event.status, percent: action.event.percent, pagesDone: action.event.pagesDone, pagesTotal: action.event.pagesTotal, etaSeconds: action.event.etaSeconds };
  // Events of one run come in order, but the two streams interleave: an active bar never moves back.
  if (before && isActive(next.status)) next.percent = Math.max(before.percent, next.percent);
  const justFinished = (!before || isActive(before.status)) && !isActive(next.status);
  return {
    byRun: { ...state.byRun, [runId]: next },
    latestByAccount: { ...state.latestByAccount, [accountId]: runId },
    updates: fromRun ? { ...state.updates, [runId]: action.run } : state.updates,
    finished: state.finished + (justFinished ? 1 : 0),
  };
}

const EMPTY: LiveRuns = { byRun: {}, latestByAccount: {}, updates: {}, finished: 0 };

export function useLiveRuns(): LiveRuns & { noteRun(run: RunSummary): void } {
  const client = useClient();
  const [state, dispatch] = useReducer(reduce, EMPTY);
  useEffect(() => {
    const progress = client.subscription(SYNC_PROGRESS, {}).subscribe((result) => {
      if (result.data) dispatch({ type: 'progress', event: result.data.syncProgress });
    });
    const runs = client.subscription(SYNC_RUN_UPDATED, {}).subscribe((result) => {
      if (result.data) dispatch({ type: 'run', run: result.data.syncRunUpdated });
    });
    return () => {
      progress.unsubscribe();
      runs.unsubscribe();
    };
  }, [client]);
  // Runs returned by triggerSync / cancelSyncRun, so the bar appears before the first event.
  const noteRun = useCallback((run: RunSummary) => dispatch({ type: 'note', run }), []);
  return { ...state, noteRun };
}
