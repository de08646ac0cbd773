/** Active alerts: the current list, plus each alert raised while the page is open (alertRaised). */
import { gql } from '@urql/core';
import { useQuery, useSubscription } from '@urql/preact';
import { ErrorMessage, Section } from './components';
import { formatTime } from './format';

interface AlertItem {
  id: string;
  kind: string;
  severity: string;
  message: string;
  raisedAt: string;
  active: boolean;
  account: { id: string; name: string } | null;
}

const FIELDS = 'id kind severity message raisedAt active account { id name }';
const ACTIVE_ALERTS = gql<{ alerts: { edges: { node: AlertItem }[] } }>(`query DashboardAlerts { alerts(active: true, first: 50) { edges { node { ${FIELDS} } } } }`);
const ALERT_RAISED = gql<{ alertRaised: AlertItem }>(`subscription DashboardAlertRaised { alertRaised { ${FIELDS} } }`);

export function AlertsPanel() {
  const [result] = useQuery({ query: ACTIVE_ALERTS });
  const [raised] = useSubscription({ query: ALERT_RAISED }, (seen: AlertItem[] = [], event) => [event.alertRaised, ...seen.filter((a) => a.id !== event.alertRaised.id)]);
  const byId = new Map<string, AlertItem>();
  for (const alert of raised.data ?? []) byId.set(alert.id, alert);
  for (const { node } of result.data?.alerts.edges ?? []) if (!byId.has(node.id)) byId.set(node.id, node);
  const alerts = [...byId.values()].sort((a, b) => b.raisedAt.localeCompare(a.raisedAt));
  return (
    <Section title="Active alerts">
      <ErrorMessage error={result.error} />
      {result.data && alerts.length === 0 ? <p class="muted">No active alerts.</p> : null}
      <ul class="alerts" aria-live="polite">
        {alerts.map((alert) => (
          <li key={alert.id} class={`alert alert-${alert.severity.toLowerCase()}`}>
            <strong>{alert.kind}</strong> <span class="muted">{alert.severity}</span> — {alert.account?.name ?? 'no account'}: {alert.message}
            <div class="muted small">raised {formatTime(alert.raisedAt)}</div>
          </li>
        ))}
      </ul>
    </Section>
  );
}
