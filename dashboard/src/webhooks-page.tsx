/**
 * #/webhooks (ADMIN): webhook subscriptions and the delivery log of the chosen one, every attempt
 * with its status, response and error. The `webhookDelivery` subscription reports each attempt
 * as it finishes; the log is re-read then (on the event, never on a timer).
 */
import { useQuery, useSubscription } from '@urql/preact';
import { ATTEMPTS, DELIVERIES, WEBHOOKS } from './operations';
import { useEffect, useState } from 'preact/hooks';
import { isAdmin } from './auth';
import { DataTable, ErrorMessage, ListStatus, Section, StatusBadge } from './components';
import { formatDuration, formatTime, shortId } from './format';
import { useViewer } from './session';

export interface WebhookRow {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  retryCount: number;
  timeoutMs: number;
  description: string | null;
}

interface Attempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  success: boolean;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
}

export interface Delivery {
  id: string;
  eventType: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  error: string | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
  attemptLog: Attempt[];
}

export interface AttemptEvent {
  deliveryId: string;
  attempt: number;
  status: string;
  success: boolean;
  responseStatus: number | null;
  eventType: string;
  at: string;
}


export function WebhooksPage() {
  const admin = isAdmin(useViewer().role);
  const [result] = useQuery({ query: WEBHOOKS, pause: !admin });
  const [selected, setSelected] = useState<string | null>(null);
  const webhooks = result.data?.webhooks.edges.map((e) => e.node) ?? [];
  const current = webhooks.find((w) => w.id === selected) ?? webhooks[0];

  if (!admin) {
    return (
      <Section title="Webhooks">
        <p class="notice">Webhooks and their deliveries are visible to ADMIN tokens only.</p>
      </Section>
    );
  }
  return (
    <>
      <Section title="Webhooks">
        <ErrorMessage error={result.error} />
        <ListStatus result={result} what="webhooks" empty={webhooks.length === 0}>
          No webhook yet (createWebhook).
        </ListStatus>
        {webhooks.length ? (
          <DataTable columns={['URL', 'Events', 'Active', 'Retries / timeout', 'Description', 'Deliveries']}>
            {webhooks.map((webhook) => (
              <tr key={webhook.id} class={webhook.id === current?.id ? 'selected' : ''} data-webhook-id={webhook.id}>
                <td class="url">{webhook.url}</td>
                <td>{webhook.events.length ? webhook.events.join(', ') : 'every event'}</td>
                <td>{webhook.active ? 'yes' : 'no'}</td>
                <td>
                  {webhook.retryCount} / {formatDuration(webhook.timeoutMs)}
                </td>
                <td>{webhook.description ?? ''}</td>
                <td>
                  <button type="button" class="secondary" aria-pressed={webhook.id === current?.id} aria-label={`Show deliveries of ${webhook.url}`} onClick={() => setSelected(webhook.id)}>
                    Show deliveries
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        ) : null}
      </Section>
      {current ? <DeliveriesPanel key={current.id} webhook={current} /> : null}
    </>
  );
}

function DeliveriesPanel({ webhook }: { webhook: WebhookRow }) {
  const [result, refetch] = useQuery({ query: DELIVERIES, variables: { webhookId: webhook.id } });
  const [live] = useSubscription({ query: ATTEMPTS, variables: { webhookId: webhook.id } }, (count: number = 0) => count + 1);
  useEffect(() => {
    if (live.data) refetch({ requestPolicy: 'network-only' });
  }, [live.data, refetch]);
  const deliveries = result.data?.webhookDeliveries.edges.map((e) => e.node) ?? [];

  return (
    <Section title="Deliveries" actions={<span class="muted small">{webhook.url}</span>}>
      <ErrorMessage error={result.error ?? live.error} />
      <ListStatus result={result} what="deliveries" empty={deliveries.length === 0}>
        Nothing delivered yet.
      </ListStatus>
      <ul class="deliveries" aria-live="polite">
        {deliveries.map((delivery) => (
          <li key={delivery.id} class="delivery" data-delivery-id={delivery.id} data-status={delivery.status}>
            <div class="delivery-head">
              <StatusBadge status={delivery.status} /> <strong>{delivery.eventType}</strong> <code title={delivery.id}>{shortId(delivery.id)}</code>
              <span class="muted small">
                {' '}
                created {formatTime(delivery.createdAt)} · {delivery.attempts} attempt{delivery.attempts === 1 ? '' : 's'}
                {delivery.deliveredAt ? ` · delivered ${formatTime(delivery.deliveredAt)}` : ''}
                {delivery.nextAttemptAt ? ` · next attempt ${formatTime(delivery.nextAttemptAt)}` : ''}
              </span>
            </div>
            {delivery.attemptLog.length ? (
              <DataTable bare class="attempts" label={`Attempts of delivery ${shortId(delivery.id)}`} columns={['Attempt', 'Time', 'Result', 'Response status', 'Duration', 'Error', 'Response body']}>
                {delivery.attemptLog.map((attempt) => (
                  <tr key={attempt.attempt} class={attempt.success ? '' : 'failed'}>
                    <td>#{attempt.attempt}</td>
                    <td>{formatTime(attempt.startedAt)}</td>
                    <td>{attempt.success ? 'success' : 'failed'}</td>
                    <td>{attempt.responseStatus ?? '—'}</td>
                    <td>{formatDuration(attempt.durationMs)}</td>
                    <td class="message">{attempt.error ?? ''}</td>
                    <td class="message">
                      {attempt.responseBody ? (
                        <details>
                          <summary>body</summary>
                          <pre>{attempt.responseBody}</pre>
                        </details>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </DataTable>
            ) : null}
          </li>
        ))}
      </ul>
    </Section>
  );
}
