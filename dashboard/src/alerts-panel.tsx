/**
 * Active alerts. The list is the `alerts` query's; it is read again when an alert is raised
 * (alertRaised), when runs finish (alerts are resolved by the evaluation that follows a run, and
 * no event says so) and after a reconnection.
 */
import { useQuery, useSubscription } from '@urql/preact';
import { ACTIVE_ALERTS, ALERT_RAISED } from './operations';
import { ErrorMessage, Section, useStatusWord } from './components';
import { useOnReconnect } from './connection';
import { formatTime } from './format';
import { useCoalesced } from './hooks';
import { useT } from './i18n';
import { overviewMessages } from './overview.messages';

export interface AlertItem {
  id: string;
  kind: string;
  severity: string;
  message: string;
  raisedAt: string;
  active: boolean;
  account: { id: string; name: string } | null;
}


/** Alerts raised together (one evaluation over many accounts) cost one read. */
const RAISED_REFETCH_MS = 300;
/** The evaluation runs after the run's final event: leave it time to resolve what it resolves. */
const FINISHED_REFETCH_MS = 2_000;

export function AlertsPanel({ finishedRuns }: { finishedRuns: number }) {
  const t = useT(overviewMessages);
  const word = useStatusWord();
  const [result, refetch] = useQuery({ query: ACTIVE_ALERTS });
  const [raised] = useSubscription({ query: ALERT_RAISED }, (count: number = 0) => count + 1);
  const reread = () => refetch({ requestPolicy: 'network-only' });
  useCoalesced(raised.data ?? 0, RAISED_REFETCH_MS, reread);
  useCoalesced(finishedRuns, FINISHED_REFETCH_MS, reread);
  useOnReconnect(reread);

  const alerts = result.data?.alerts.edges.map((edge) => edge.node) ?? [];
  return (
    <Section title={t('alerts')}>
      <ErrorMessage error={result.error} />
      {result.data && alerts.length === 0 ? <p class="muted">{t('noAlerts')}</p> : null}
      <ul class="alerts" aria-live="polite">
        {alerts.map((alert) => (
          <li key={alert.id} class={`alert alert-${alert.severity.toLowerCase()}`}>
            <strong>{word(alert.kind)}</strong> <span class="muted">{word(alert.severity)}</span> — {alert.account?.name ?? t('noAccount')}: {alert.message}
            <div class="muted small">{t('raised', { time: formatTime(alert.raisedAt) })}</div>
          </li>
        ))}
      </ul>
    </Section>
  );
}
