/**
 * Accounts with their freshness (syncHealth), next scheduled sync (schedules), live progress bar
 * and, for OPERATOR and ADMIN, the sync and cancel buttons. Accounts and schedules are read page
 * after page (all of them, not the first hundred); the live run and the queried state are
 * reconciled by which is newer (shownRun).
 */
import { type Client, type RequestPolicy } from '@urql/core';
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { canOperate } from './auth';
import { DataTable, ErrorMessage, ListStatus, PayloadErrors, ProgressBar, Section, StatusBadge, useStatusWord, type PayloadError } from './components';
import { useOnReconnect } from './connection';
import { formatLag, formatTime } from './format';
import { useOnChange } from './hooks';
import { useT } from './i18n';
import { modeWord, overviewMessages } from './overview.messages';
import { ACCOUNTS_PAGE, CANCEL_RUN, SCHEDULES_PAGE, SYNC_HEALTH, TRIGGER_SYNC } from './operations';
import { isActive, type LiveRun, type LiveRuns, type RunSummary } from './live-runs';
import { fetchAllNodes, useLoad, type Connection } from './paging';
import { useViewer } from './session';

export interface AccountRow {
  id: string;
  name: string;
  channel: string;
  enabled: boolean;
  fulfillment: string | null;
}

export interface AccountHealth {
  account: { id: string };
  lagSeconds: number | null;
  lastSuccessAt: string | null;
  lastRunStatus: string | null;
  stale: boolean;
  activeAlerts: string[];
  activeRun: { id: string; status: string; percent: number; mode: string } | null;
}

export interface SyncHealth {
  staleAfterMinutes: number;
  accounts: AccountHealth[];
}

export interface ScheduleRow {
  nextFireAt: string | null;
  mode: string | null;
  account: { id: string } | null;
}


/** Every account (also the logs page's account filter). */
export const loadAccounts = (client: Client, requestPolicy: RequestPolicy) => fetchAllNodes(client, ACCOUNTS_PAGE, (data) => data.accounts, requestPolicy);

async function loadOverview(client: Client, requestPolicy: RequestPolicy) {
  const [accounts, health, schedules] = await Promise.all([
    loadAccounts(client, requestPolicy),
    client.query(SYNC_HEALTH, {}, { requestPolicy }).toPromise(),
    fetchAllNodes(client, SCHEDULES_PAGE, (data) => data.schedules, requestPolicy),
  ]);
  if (health.error) throw health.error;
  const { staleAfterMinutes, accounts: healths } = health.data!.syncHealth;
  // Indexed once per answer: rows render again on every progress event.
  const nextFire = new Map<string, ScheduleRow>();
  for (const schedule of schedules) {
    const accountId = schedule.account?.id;
    if (!accountId || !schedule.nextFireAt) continue;
    const known = nextFire.get(accountId);
    if (!known || schedule.nextFireAt < known.nextFireAt!) nextFire.set(accountId, schedule);
  }
  return { accounts, staleAfterMinutes, health: new Map(healths.map((h) => [h.account.id, h])), nextFire };
}

type ShownRun = Pick<LiveRun, 'runId' | 'status' | 'percent' | 'mode'>;

/**
 * What an account's progress cell shows: the live run when it was heard of after the query was
 * sent; otherwise the query's newer word (its active run, or none: a run the socket saw start may
 * have ended while it was down), except that a run seen finishing stays shown as finished.
 */
function shownRun(live: LiveRun | undefined, health: AccountHealth | undefined, requestedAt: number): ShownRun | undefined {
  const queried = health?.activeRun ? { runId: health.activeRun.id, status: health.activeRun.status, percent: health.activeRun.percent, mode: health.activeRun.mode } : undefined;
  if (!live) return queried;
  if (live.at > requestedAt) return live;
  if (queried) return queried;
  return isActive(live.status) ? undefined : live;
}



export function AccountsPanel({ live }: { live: LiveRuns & { noteRun(run: RunSummary): void } }) {
  const t = useT(overviewMessages);
  const word = useStatusWord();
  const viewer = useViewer();
  const operator = canOperate(viewer.role);
  const [result, reload] = useLoad(loadOverview);
  const [triggerState, trigger] = useMutation(TRIGGER_SYNC);
  const [cancelState, cancel] = useMutation(CANCEL_RUN);
  const [payloadErrors, setPayloadErrors] = useState<PayloadError[]>([]);

  // Freshness and next sync change when a run finishes: read them again then (an event, not a
  // timer), and after a reconnection (runs may have started or finished unseen).
  useOnChange(live.finished, () => reload());
  useOnReconnect(() => reload());

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
    <Section title={t('accounts')}>
      <ErrorMessage error={result.error ?? triggerState.error ?? cancelState.error} />
      <PayloadErrors errors={payloadErrors} />
      <ListStatus result={result} what={t('accountsLoading')} />
      {data ? (
        <DataTable
          class="accounts"
          columns={[t('colAccount'), t('colChannel'), t('colStatus'), t('colLastSync'), t('colNextSync'), t('colFreshness'), t('colProgress'), operator && t('colActions')]}
          after={data.accounts.length === 0 ? <p class="muted">{t('noAccounts')}</p> : null}
        >
          {data.accounts.map((account) => {
            const health = data.health.get(account.id);
            const nextFire = data.nextFire.get(account.id);
            const liveRunId = live.latestByAccount[account.id];
            const run = shownRun(liveRunId ? live.byRun[liveRunId] : undefined, health, result.requestedAt);
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
                    <span key={kind} class="badge badge-alert" data-status={kind}>
                      {word(kind)}
                    </span>
                  ))}
                </td>
                <td>{formatTime(health?.lastSuccessAt)}</td>
                <td>{nextFire ? `${formatTime(nextFire.nextFireAt)} (${modeWord(t, nextFire.mode)})` : '—'}</td>
                <td>
                  {formatLag(health?.lagSeconds)}{' '}
                  {health?.stale ? (
                    <span class="badge badge-stale" title={t('staleTitle', { minutes: data.staleAfterMinutes })}>
                      {t('stale')}
                    </span>
                  ) : null}
                </td>
                <td class="progress-cell">
                  {run ? <ProgressBar percent={run.percent} status={run.status} label={t('progressOf', { name: account.name })} /> : <span class="muted">{t('idle')}</span>}
                </td>
                {operator ? (
                  <td class="actions">
                    <button type="button" aria-label={t('fullSyncOf', { name: account.name })} disabled={triggerState.fetching || !!running} onClick={() => startSync(account.id, 'FULL')}>
                      {t('fullSync')}
                    </button>
                    <button type="button" aria-label={t('incrementalSyncOf', { name: account.name })} disabled={triggerState.fetching || !!running} onClick={() => startSync(account.id, 'INCREMENTAL')}>
                      {t('incrementalSync')}
                    </button>
                    {running && run ? (
                      <button type="button" class="danger" aria-label={t('cancelSyncOf', { name: account.name })} disabled={cancelState.fetching} onClick={() => cancelRun(run.runId)}>
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
