/**
 * #/webhooks (ADMIN): webhook subscriptions with their delivery settings and health (paused,
 * failing, disabled and why, throttled by the receiver); create (the signing secret is shown this
 * once, with a copy button), edit, rotate the secret, delete; and the delivery log of the chosen
 * one (webhooks-deliveries.tsx).
 */
import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { isAdmin } from './auth';
import { DataTable, ErrorMessage, ListStatus, PayloadErrors, Section, StatusBadge, type PayloadError } from './components';
import { formatDuration, formatTime } from './format';
import { useT } from './i18n';
import { DELETE_WEBHOOK, ROTATE_WEBHOOK_SECRET, WEBHOOKS } from './operations';
import { useViewer } from './session';
import { DeliveriesPanel } from './webhooks-deliveries';
import { WebhookForm } from './webhooks-form';
import { SecretOnce, type ShownSecret } from './webhooks-secret';
import { messages } from './webhooks.messages';
import { Notice } from './form-parts';

export interface WebhookRow {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  retryCount: number;
  timeoutMs: number;
  description: string | null;
  ordered: boolean;
  deadLetterPolicy: 'SKIP' | 'HOLD';
  maxPerSecond: number | null;
  contactEmail: string | null;
  disabledAt: string | null;
  disabledReason: string | null;
  failingSince: string | null;
  pausedUntil: string | null;
}

export interface Attempt {
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

type Editing = { mode: 'create' } | { mode: 'edit'; webhook: WebhookRow } | null;

export function WebhooksPage() {
  const t = useT(messages);
  const admin = isAdmin(useViewer().role);
  const [result, refetch] = useQuery({ query: WEBHOOKS, pause: !admin });
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [secret, setSecret] = useState<ShownSecret | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [errors, setErrors] = useState<PayloadError[]>([]);
  const [rotateState, rotate] = useMutation(ROTATE_WEBHOOK_SECRET);
  const [deleteState, remove] = useMutation(DELETE_WEBHOOK);
  const webhooks = result.data?.webhooks.edges.map((e) => e.node) ?? [];
  const current = webhooks.find((w) => w.id === selected) ?? webhooks[0];
  const reload = () => refetch({ requestPolicy: 'network-only' });

  if (!admin) {
    return (
      <Section title={t('title')}>
        <p class="notice">{t('adminOnly')}</p>
      </Section>
    );
  }

  const onRotate = async (webhook: WebhookRow) => {
    if (!window.confirm(t('confirmRotate', { url: webhook.url }))) return;
    const answer = await rotate({ id: webhook.id });
    const payload = answer.data?.rotateWebhookSecret;
    setErrors(payload?.errors ?? []);
    if (payload?.secret && payload.standardWebhooksSecret) setSecret({ secret: payload.secret, standard: payload.standardWebhooksSecret, url: webhook.url });
  };
  const onDelete = async (webhook: WebhookRow) => {
    if (!window.confirm(t('confirmRemove', { url: webhook.url }))) return;
    const answer = await remove({ id: webhook.id });
    const payload = answer.data?.deleteWebhook;
    setErrors(payload?.errors ?? []);
    if (payload?.webhook) setNotice(t('removed'));
    reload();
  };

  return (
    <>
      <Section
        title={t('title')}
        actions={
          <button type="button" onClick={() => (setNotice(null), setEditing({ mode: 'create' }))}>
            {t('add')}
          </button>
        }
      >
        <ErrorMessage error={result.error ?? rotateState.error ?? deleteState.error} />
        <PayloadErrors errors={errors} />
        <Notice text={notice} />
        {secret ? <SecretOnce key={secret.secret} shown={secret} onDismiss={() => setSecret(null)} /> : null}
        <ListStatus result={result} what={t('loading')} empty={webhooks.length === 0}>
          {t('none')}
        </ListStatus>
        {webhooks.length ? (
          <DataTable columns={[t('colUrl'), t('colEvents'), t('colState'), t('colDelivery'), t('colDescription'), t('colActions')]}>
            {webhooks.map((webhook) => (
              <tr key={webhook.id} class={webhook.id === current?.id ? 'selected' : ''} data-webhook-id={webhook.id}>
                <td class="url">{webhook.url}</td>
                <td>{webhook.events.length ? webhook.events.join(', ') : t('everyEvent')}</td>
                <td>
                  <WebhookState webhook={webhook} />
                </td>
                <td class="small">
                  {[
                    t('retries', { count: webhook.retryCount }),
                    t('timeout', { duration: formatDuration(webhook.timeoutMs) }),
                    webhook.ordered ? t('ordered') : t('parallel'),
                    t('deadLetter', { policy: webhook.deadLetterPolicy }),
                    webhook.maxPerSecond ? t('perSecond', { count: webhook.maxPerSecond }) : null,
                    webhook.contactEmail ? t('contact', { email: webhook.contactEmail }) : null,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </td>
                <td>{webhook.description ?? ''}</td>
                <td class="actions">
                  <button type="button" class="secondary" aria-pressed={webhook.id === current?.id} aria-label={t('showDeliveriesOf', { url: webhook.url })} onClick={() => setSelected(webhook.id)}>
                    {t('showDeliveries')}
                  </button>
                  <button type="button" class="secondary" aria-label={t('editOf', { url: webhook.url })} onClick={() => (setNotice(null), setEditing({ mode: 'edit', webhook }))}>
                    {t('edit')}
                  </button>
                  <button type="button" class="secondary" aria-label={t('rotateOf', { url: webhook.url })} disabled={rotateState.fetching} onClick={() => onRotate(webhook)}>
                    {t('rotate')}
                  </button>
                  <button type="button" class="danger" aria-label={t('removeOf', { url: webhook.url })} disabled={deleteState.fetching} onClick={() => onDelete(webhook)}>
                    {t('remove')}
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        ) : null}
      </Section>
      {editing ? (
        <WebhookForm
          key={editing.mode === 'edit' ? editing.webhook.id : 'new'}
          webhook={editing.mode === 'edit' ? editing.webhook : null}
          onCancel={() => setEditing(null)}
          onSaved={(saved, shown) => {
            setEditing(null);
            setNotice(t('saved'));
            if (shown) setSecret(shown);
            setSelected(saved.id);
            reload();
          }}
        />
      ) : null}
      {current ? <DeliveriesPanel key={current.id} webhook={current} /> : null}
    </>
  );
}

/** Active, paused by hand, or disabled by its health (with why); failing and throttled as notes. */
function WebhookState({ webhook }: { webhook: WebhookRow }) {
  const t = useT(messages);
  const throttled = webhook.pausedUntil && new Date(webhook.pausedUntil).getTime() > Date.now();
  return (
    <>
      {webhook.active ? <StatusBadge status="ENABLED" /> : <StatusBadge status="DISABLED" />}
      <span class="small">{webhook.active ? t('active') : webhook.disabledAt ? '' : t('paused')}</span>
      {webhook.disabledAt ? <div class="bad-text small">{t('disabledSince', { time: formatTime(webhook.disabledAt), reason: webhook.disabledReason ?? '' })}</div> : null}
      {webhook.failingSince ? <div class="bad-text small">{t('failingSince', { time: formatTime(webhook.failingSince) })}</div> : null}
      {throttled ? <div class="muted small">{t('throttledUntil', { time: formatTime(webhook.pausedUntil) })}</div> : null}
    </>
  );
}
