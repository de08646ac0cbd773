/** Recent sync runs: the latest page from `syncRuns`, kept current by the live run events. */
import { useMutation, useQuery } from '@urql/preact';
import { useMemo } from 'preact/hooks';
import { canOperate } from './auth';
import { DataTable, ErrorMessage, ListStatus, PayloadErrors, ProgressBar, Section, StatusBadge } from './components';
import { formatDuration, formatTime, shortId } from './format';
import { CANCEL_RUN, RECENT_RUNS, RECENT_RUNS_SHOWN as SHOWN } from './operations';
import { useOnReconnect } from './connection';
import { isActive, laterOf, type LiveRuns, type RunSummary } from './live-runs';
import { useViewer } from './session';
import { useT } from './i18n';
import { modeWord, overviewMessages } from './overview.messages';


export function RunsPanel({ live }: { live: LiveRuns }) {
  const t = useT(overviewMessages);
  const operator = canOperate(useViewer().role);
  const [result, refetch] = useQuery({ query: RECENT_RUNS });
  const [cancelState, cancel] = useMutation(CANCEL_RUN);
  // Runs may have started or finished while the socket was down: read the page again.
  useOnReconnect(() => refetch({ requestPolicy: 'network-only' }));

  // The queried page, with the runs heard of since laid over it (of two states of a run, the later
  // one wins), newest first. Progress events do not change either input: no re-sorting for them.
  const runs = useMemo(() => {
    const merged = new Map<string, RunSummary>();
    for (const { node } of result.data?.syncRuns.edges ?? []) merged.set(node.id, node);
    for (const run of Object.values(live.updates)) {
      const queried = merged.get(run.id);
      merged.set(run.id, queried ? laterOf(queried, run) : run);
    }
    return [...merged.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, SHOWN);
  }, [result.data, live.updates]);

  return (
    <Section title={t('runs')}>
      <ErrorMessage error={result.error ?? cancelState.error} />
      <PayloadErrors errors={cancelState.data?.cancelSyncRun.errors} />
      <ListStatus result={result} what={t('runsLoading')} empty={runs.length === 0}>
        {t('noRuns')}
      </ListStatus>
      {runs.length ? (
        <DataTable columns={[t('colRun'), t('colAccount'), t('colMode'), t('colStatus'), t('colProgress'), t('colCounts'), t('colStarted'), t('colDuration'), operator && t('colActions')]}>
          {runs.map((run) => {
            const progress = live.byRun[run.id];
            const { status, percent } = progress ? laterOf(run, progress) : run;
            return (
              <tr key={run.id} data-run-id={run.id}>
                <RunHeadCells run={run} status={status} />
                <td class="progress-cell">
                  <ProgressBar percent={percent} label={t('progressOfRun', { id: shortId(run.id) })} />
                </td>
                <td>
                  {run.created} / {run.updated} / {run.unchanged} / {run.failed}
                </td>
                <td>{formatTime(run.startedAt)}</td>
                <td>{formatDuration(run.durationMs)}</td>
                {operator ? (
                  <td>
                    {isActive(status) ? (
                      <button type="button" class="danger" aria-label={t('cancelRun', { id: shortId(run.id) })} disabled={cancelState.fetching} onClick={() => cancel({ id: run.id })}>
                        {t('cancel')}
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </DataTable>
      ) : null}
    </Section>
  );
}

/** A run's first cells: its id, account, mode and status (with its error), as run lists show them. */
export function RunHeadCells({ run, status }: { run: RunSummary; status: string }) {
  const t = useT(overviewMessages);
  return (
    <>
      <td>
        <code title={run.id}>{shortId(run.id)}</code>
      </td>
      <td>{run.account.name}</td>
      <td>
        {modeWord(t, run.mode)} {run.scope}
      </td>
      <td>
        <StatusBadge status={status} />
        {run.error ? <div class="muted small">{run.error}</div> : null}
      </td>
    </>
  );
}
