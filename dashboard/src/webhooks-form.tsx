/** Creating or editing a webhook: target, events (from eventTypes), delivery settings and health contact. */
import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { ErrorMessage, PayloadErrors, Section, type PayloadError } from './components';
import { useT } from './i18n';
import { CREATE_WEBHOOK, EVENT_TYPES, UPDATE_WEBHOOK } from './operations';
import type { WebhookRow } from './webhooks-page';
import type { ShownSecret } from './webhooks-secret';
import { messages } from './webhooks.messages';
import { FormButtons, checkedOf, valueOf } from './form-parts';


export function WebhookForm({ webhook, onCancel, onSaved }: { webhook: WebhookRow | null; onCancel(): void; onSaved(saved: { id: string }, secret: ShownSecret | null): void }) {
  const t = useT(messages);
  const [types] = useQuery({ query: EVENT_TYPES });
  const [url, setUrl] = useState(webhook?.url ?? '');
  const [events, setEvents] = useState<string[]>(webhook?.events ?? []);
  const [description, setDescription] = useState(webhook?.description ?? '');
  const [active, setActive] = useState(webhook?.active ?? true);
  const [retryCount, setRetryCount] = useState(String(webhook?.retryCount ?? 5));
  const [timeoutMs, setTimeoutMs] = useState(String(webhook?.timeoutMs ?? 10000));
  const [ordered, setOrdered] = useState(webhook?.ordered ?? true);
  const [policy, setPolicy] = useState<string>(webhook?.deadLetterPolicy ?? 'SKIP');
  const [maxPerSecond, setMaxPerSecond] = useState(webhook?.maxPerSecond ? String(webhook.maxPerSecond) : '');
  const [contactEmail, setContactEmail] = useState(webhook?.contactEmail ?? '');
  const [replay, setReplay] = useState(false);
  const [errors, setErrors] = useState<PayloadError[]>([]);
  const [createState, create] = useMutation(CREATE_WEBHOOK);
  const [updateState, update] = useMutation(UPDATE_WEBHOOK);
  const reactivating = !!webhook && !webhook.active && active;

  const save = async (e: Event) => {
    e.preventDefault();
    const input = {
      url: url.trim(),
      events,
      description,
      active,
      retryCount: Number(retryCount),
      timeoutMs: Number(timeoutMs),
      ordered,
      deadLetterPolicy: policy,
      // Empty means none: null clears a value set before.
      maxPerSecond: maxPerSecond.trim() ? Number(maxPerSecond) : null,
      contactEmail: contactEmail.trim() || null,
    };
    if (webhook) {
      const answer = await update({ input: { id: webhook.id, ...input, ...(reactivating && replay ? { replayDeadLetters: true } : {}) } });
      const payload = answer.data?.updateWebhook;
      setErrors(payload?.errors ?? []);
      if (payload?.webhook) onSaved(payload.webhook, null);
    } else {
      const answer = await create({ input });
      const payload = answer.data?.createWebhook;
      setErrors(payload?.errors ?? []);
      if (payload?.webhook && payload.secret) onSaved(payload.webhook, { url: payload.webhook.url, secret: payload.secret, standard: payload.standardWebhooksSecret ?? undefined });
    }
  };

  const toggleEvent = (name: string, on: boolean) => setEvents((current) => (on ? [...current, name] : current.filter((n) => n !== name)));

  return (
    <Section title={webhook ? t('formEdit') : t('formAdd')}>
      <form class="webhook-form" onSubmit={save}>
        <ErrorMessage error={types.error ?? createState.error ?? updateState.error} />
        <PayloadErrors errors={errors} />
        <div class="form-grid">
          <label>
            {t('url')}
            <input type="url" required value={url} onInput={(e) => setUrl(valueOf(e))} />
          </label>
          <label>
            {t('description')}
            <input maxLength={1000} value={description} onInput={(e) => setDescription(valueOf(e))} />
          </label>
          <label>
            {t('retryCount')}
            <input type="number" min={0} max={20} required value={retryCount} onInput={(e) => setRetryCount(valueOf(e))} />
          </label>
          <label>
            {t('timeoutMs')}
            <input type="number" min={100} max={30000} required value={timeoutMs} onInput={(e) => setTimeoutMs(valueOf(e))} />
          </label>
          <label>
            {t('deadLetterPolicy')}
            <select aria-label={t('deadLetterPolicy')} value={policy} onChange={(e) => setPolicy(valueOf(e))}>
              <option value="SKIP">{t('policySKIP')}</option>
              <option value="HOLD">{t('policyHOLD')}</option>
            </select>
          </label>
          <label>
            {t('maxPerSecond')}
            <input type="number" min={1} max={1000} value={maxPerSecond} onInput={(e) => setMaxPerSecond(valueOf(e))} />
          </label>
          <label>
            {t('contactEmail')}
            <input type="email" value={contactEmail} onInput={(e) => setContactEmail(valueOf(e))} />
          </label>
          <label class="check">
            <input type="checkbox" checked={active} onChange={(e) => setActive(checkedOf(e))} />
            {t('activeField')}
          </label>
          <label class="check">
            <input type="checkbox" checked={ordered} onChange={(e) => setOrdered(checkedOf(e))} />
            {t('orderedField')}
          </label>
          {reactivating ? (
            <label class="check">
              <input type="checkbox" checked={replay} onChange={(e) => setReplay(checkedOf(e))} />
              {t('replay')}
            </label>
          ) : null}
        </div>
        <fieldset>
          <legend>{t('events')}</legend>
          <div class="event-types">
            {types.data?.eventTypes
              .filter((type) => type.webhookEnabled)
              .map((type) => (
                <label class="check" key={type.name} title={type.description}>
                  <input type="checkbox" checked={events.includes(type.name)} onChange={(e) => toggleEvent(type.name, checkedOf(e))} />
                  {type.name}
                </label>
              ))}
          </div>
        </fieldset>
        <FormButtons save={t('save')} cancel={t('cancel')} busy={createState.fetching || updateState.fetching} onCancel={onCancel} />
      </form>
    </Section>
  );
}
