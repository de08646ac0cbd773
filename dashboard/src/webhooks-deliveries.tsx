/**
 * The delivery log of one webhook, every attempt with its status, response and error, and
 * Redeliver (a new delivery with the same body). The `webhookDelivery` subscription reports each
 * attempt as it finishes; the log is re-read then (on the event, never on a timer).
 */
import { useMutation, useQuery, useSubscription } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { DataTable, ErrorMessage, ListStatus, PayloadErrors, Section, StatusBadge, type PayloadError } from './components';
import { formatDuration, formatTime, shortId } from './format';
import { useT } from './i18n';
import { ATTEMPTS, DELIVERIES, REDELIVER_WEBHOOK } from './operations';
import type { WebhookRow } from './webhooks-page';
import { messages } from './webhooks.messages';
import { Notice } from './form-parts';

export function DeliveriesPanel({ webhook }: { webhook: WebhookRow }) {
  const t = useT(messages);
  const [result, refetch] = useQuery({ query: DELIVERIES, variables: { webhookId: webhook.id } });
  const [live] = useSubscription({ query: ATTEMPTS, variables: { webhookId: webhook.id } }, (count: number = 0) => count + 1);
  const [redeliverState, redeliver] = useMutation(REDELIVER_WEBHOOK);
  const [errors, setErrors] = useState<PayloadError[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (live.data) refetch({ requestPolicy: 'network-only' });
  }, [live.data, refetch]);
  const deliveries = result.data?.webhookDeliveries.edges.map((e) => e.node) ?? [];

  const onRedeliver = async (id: string) => {
    const answer = await redeliver({ id });
    const payload = answer.data?.redeliverWebhookDelivery;
    setErrors(payload?.errors ?? []);
    setNotice(payload?.delivery ? t('redelivered') : null);
    refetch({ requestPolicy: 'network-only' });
  };

  return (
    <Section title={t('deliveries')} actions={<span class="muted small url">{webhook.url}</span>}>
      <ErrorMessage error={result.error ?? live.error ?? redeliverState.error} />
      <PayloadErrors errors={errors} />
      <Notice text={notice} />
      <ListStatus result={result} what={t('deliveriesLoading')} empty={deliveries.length === 0}>
        {t('noDeliveries')}
      </ListStatus>
      <ul class="deliveries" aria-live="polite">
        {deliveries.map((delivery) => (
          <li key={delivery.id} class="delivery" data-delivery-id={delivery.id} data-status={delivery.status}>
            <div class="delivery-head">
              <StatusBadge status={delivery.status} /> <strong>{delivery.eventType}</strong> <code title={delivery.id}>{shortId(delivery.id)}</code>
              <span class="muted small">
                {' '}
                {[
                  t('created', { time: formatTime(delivery.createdAt) }),
                  t('attempts', { count: delivery.attempts }),
                  delivery.deliveredAt ? t('delivered', { time: formatTime(delivery.deliveredAt) }) : null,
                  delivery.nextAttemptAt ? t('nextAttempt', { time: formatTime(delivery.nextAttemptAt) }) : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </span>{' '}
              <button type="button" class="secondary" aria-label={t('redeliverOf', { id: shortId(delivery.id) })} disabled={redeliverState.fetching} onClick={() => onRedeliver(delivery.id)}>
                {t('redeliver')}
              </button>
            </div>
            {delivery.attemptLog.length ? (
              <DataTable
                bare
                class="attempts"
                label={t('attemptsOf', { id: shortId(delivery.id) })}
                columns={[t('colAttempt'), t('colTime'), t('colResult'), t('colStatus'), t('colDuration'), t('colError'), t('colBody')]}
              >
                {delivery.attemptLog.map((attempt) => (
                  <tr key={attempt.attempt} class={attempt.success ? '' : 'failed'}>
                    <td>#{attempt.attempt}</td>
                    <td>{formatTime(attempt.startedAt)}</td>
                    <td>{attempt.success ? t('success') : t('failed')}</td>
                    <td>{attempt.responseStatus ?? '—'}</td>
                    <td>{formatDuration(attempt.durationMs)}</td>
                    <td class="message">{attempt.error ?? ''}</td>
                    <td class="message">
                      {attempt.responseBody ? (
                        <details>
                          <summary>{t('body')}</summary>
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
