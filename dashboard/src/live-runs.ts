/**
 * Live state of sync runs, from two subscriptions opened once for the overview: `syncProgress`
 * (every run, each page) and `syncRunUpdated` (queued, started, interrupted, finished). Nothing
 * is polled: the bars and the runs list move with these events. What the socket missed while it
 * was down is read again by the panels (see forgetActive in live-runs-state.ts).
 */
import { useClient } from '@urql/preact';
import { useCallback, useEffect, useReducer } from 'preact/hooks';
import { useOnReconnect } from './connection';
import { SYNC_PROGRESS, SYNC_RUN_UPDATED } from './operations';
import { EMPTY_LIVE_RUNS, reduceLiveRuns, type LiveRuns, type ProgressEvent, type RunSummary } from './live-runs-state';

export { FINAL_STATUSES, isActive, laterOf, type LiveRun, type LiveRuns, type ProgressEvent, type RunSummary } from './live-runs-state';


export function useLiveRuns(): LiveRuns & { noteRun(run: RunSummary): void } {
  const client = useClient();
  const [state, dispatch] = useReducer(reduceLiveRuns, EMPTY_LIVE_RUNS);
  useEffect(() => {
    const progress = client.subscription(SYNC_PROGRESS, {}).subscribe((result) => {
      if (result.data) dispatch({ type: 'progress', event: result.data.syncProgress, at: performance.now() });
    });
    const runs = client.subscription(SYNC_RUN_UPDATED, {}).subscribe((result) => {
      if (result.data) dispatch({ type: 'run', run: result.data.syncRunUpdated, at: performance.now() });
    });
    return () => {
      progress.unsubscribe();
      runs.unsubscribe();
    };
  }, [client]);
  useOnReconnect(() => dispatch({ type: 'reconnected' }));
  // Runs returned by triggerSync / cancelSyncRun, so the bar appears before the first event.
  const noteRun = useCallback((run: RunSummary) => dispatch({ type: 'note', run, at: performance.now() }), []);
  return { ...state, noteRun };
}
