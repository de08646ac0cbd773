/**
 * Accounts with their freshness (syncHealth), next scheduled sync (schedules), live progress bar
 * and, for OPERATOR and ADMIN, the sync and cancel buttons.
 */
import { gql } from '@urql/core';
import { useMutation, useQuery } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { canOperate } from './auth';
import { DataTable, ErrorMessage, ListStatus, PayloadErrors, ProgressBar, Section, StatusBadge, type PayloadError } from './components';
import { formatLag, formatTime } from './format';
import { RUN_FIELDS, isActive, type LiveRuns, type RunSummary } from './live-runs';
import { useViewer } from './session';

interface AccountsData {
  accounts: { edges: { node: { id: string; name: string; channel: string; enabled: boolean; fulfillment: string | null } }[] };
  syncHealth: {
    staleAfterMinutes: number;
    accounts: {
      account: { id: string };
      lagSeconds: number | null;
      lastSuccessAt: string | null;
      lastRunStatus: string | null;
      stale: boolean;
      activeAlerts: string[];
      activeRun: { id: string; status: string; percent: number; mode: string } | null;
    }[];
  };
  schedules: { edges: { node: { nextFireAt: string | null; mode: string | null; account: { id: string } | null } }[] };
}

const ACCOUNTS = gql<AccountsData>(`
  query DashboardAccounts {
    accounts(first: 100) { edges { node { id name channel enabled fulfillment } } }
    syncHealth {
      staleAfterMinutes
      accounts { account { id } lagSeconds lastSuccessAt lastRunStatus stale activeAlerts activeRun { id status percent mode } }
    }
    schedules(first: 100, filter: { kind: SYNC, enabled: true }) { edges { node { nextFireAt mode account { id } } } }
  }
`);

const TRIGGER_SYNC = gql<{ triggerSync: { runs: RunSummary[]; errors: PayloadError[] } }, { input: { accountIds: string[]; mode: string } }>(
  `mutation DashboardTriggerSync($input: TriggerSyncInput!) { triggerSync(input: $input) { runs { ${RUN_FIELDS} } errors { code message field } } }`,
);

export const CANCEL_RUN = gql<{ cancelSyncRun: { run: RunSummary | null; errors: PayloadError[] } }, { id: string }>(
  `mutation DashboardCancelRun($id: ID!) { cancelSyncRun(input: { id: $id }) { run { ${RUN_FIELDS} } errors { code message field } } }`,
);

export function AccountsPanel({ live }: { live: LiveRuns & { noteRun(run: RunSummary): void } }) {
  const viewer = useViewer();
  const operator = canOperate(viewer.role);
  const [result, refetch] = useQuery({ query: ACCOUNTS });
  const [triggerState, trigger] = useMutation(TRIGGER_SYNC);
  const [cancelState, cancel] = useMutation(CANCEL_RUN);
  const [payloadErrors, setPayloadErrors] = useState<PayloadError[]>([]);

  // Freshness and next sync change when a run finishes: refetch then (an event, not a timer).
  useEffect(() => {
    if (live.finished > 0) refetch({ requestPolicy: 'network-only' });
  }, [live.finished, refetch]);

  const startSync = async (accountId: string, mode: 'FULL' | 'INCREMENTAL') => {
    const answer = await trigger({ input: { accountIds: [accountId], mode } });
    const payload = answer.data?.triggerSync;
    setPayloadErrors(payload?.errors ?? []);
    payload?.runs.forEach(live.noteRun);
  };
  const cancelRun = async (id: string) => {
    const answer = await cancel({ id });
    setPayloadErrors(answer.data?.cancelSyncRun.errors ?? []);
  };

  const data = result.data;
  return (
    <Section title="Accounts">
      <ErrorMessage error={result.error ?? triggerState.error ?? cancelState.error} />
      <PayloadErrors errors={payloadErrors} />
      <ListStatus result={result} what="accounts" />
      {data ? (
        <DataTable
          class="accounts"
          columns={['Account', 'Channel', 'Status', 'Last sync', 'Next sync', 'Freshness', 'Progress', operator && 'Actions']}
          after={data.accounts.edges.length === 0 ? <p class="muted">No marketplace accounts yet.</p> : null}
        >
          {data.accounts.edges.map(({ node: account }) => {
            const health = data.syncHealth.accounts.find((h) => h.account.id === account.id);
            const nextFire = data.schedules.edges
              .map((e) => e.node)
              .filter((s) => s.account?.id === account.id && s.nextFireAt)
              .sort((a, b) => a.nextFireAt!.localeCompare(b.nextFireAt!))[0];
            const liveRunId = live.latestByAccount[account.id];
            const liveRun = liveRunId ? live.byRun[liveRunId] : undefined;
            const run = liveRun ?? (health?.activeRun ? { runId: health.activeRun.id, status: health.activeRun.status, percent: health.activeRun.percent, mode: health.activeRun.mode } : undefined);
            const running = run && isActive(run.status);
            return (
              <tr key={account.id} data-account-id={account.id}>
                <th scope="row">{account.name}</th>
                <td>
                  {account.channel}
                  {account.fulfillment ? ` ${account.fulfillment}` : ''}
                </td>
                <td>
                  {account.enabled ? <StatusBadge status="ENABLED" /> : <StatusBadge status="DISABLED" />}{' '}
                  {health?.lastRunStatus ? <StatusBadge status={health.lastRunStatus} /> : null}
                  {health?.activeAlerts.map((kind) => (
                    <span key={kind} class="badge badge-alert">
                      {kind}
                    </span>
                  ))}
                </td>
                <td>{formatTime(health?.lastSuccessAt)}</td>
                <td>{nextFire ? `${formatTime(nextFire.nextFireAt)} (${nextFire.mode ?? ''})` : '—'}</td>
                <td>
                  {formatLag(health?.lagSeconds)}{' '}
                  {health?.stale ? (
                    <span class="badge badge-stale" title={`No successful sync for over ${data.syncHealth.staleAfterMinutes} minutes`}>
                      stale
                    </span>
                  ) : null}
                </td>
                <td class="progress-cell">
                  {run ? <ProgressBar percent={run.percent} status={run.status} label={`Sync progress of ${account.name}`} /> : <span class="muted">idle</span>}
                </td>
                {operator ? (
                  <td class="actions">
                    <button type="button" aria-label={`Full sync ${account.name}`} disabled={triggerState.fetching || !!running} onClick={() => startSync(account.id, 'FULL')}>
                      Full sync
                    </button>
                    <button type="button" aria-label={`Incremental sync ${account.name}`} disabled={triggerState.fetching || !!running} onClick={() => startSync(account.id, 'INCREMENTAL')}>
                      Incremental sync
                    </button>
                    {running && run ? (
                      <button type="button" class="danger" aria-label={`Cancel sync of ${account.name}`} disabled={cancelState.fetching} onClick={() => cancelRun(run.runId)}>
                        Cancel
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
