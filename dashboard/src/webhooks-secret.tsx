/**
 * A secret the API returns once (a webhook's signing secret, a new API token): shown with a copy
 * button until the user says it is saved; never kept anywhere else in the page.
 */
import { useState } from 'preact/hooks';
import { useT } from './i18n';
import { messages } from './webhooks.messages';

export interface ShownSecret {
  /** What it belongs to, for the heading. */
  url: string;
  secret: string;
  /** The Standard Webhooks form of the same secret, when there is one. */
  standard?: string;
}

export function SecretOnce({ shown, title, note, secretLabel, onDismiss }: { shown: ShownSecret; title?: string; note?: string; secretLabel?: string; onDismiss(): void }) {
  const t = useT(messages);
  const values = [{ label: secretLabel ?? t('secretLabel'), value: shown.secret }, ...(shown.standard ? [{ label: t('standardLabel'), value: shown.standard }] : [])];
  return (
    <section class="notice secret-once" aria-labelledby="secret-once-title">
      <h3 id="secret-once-title">
        {title ?? t('secretTitle')} <span class="small url">{shown.url}</span>
      </h3>
      <p>{note ?? t('secretNote')}</p>
      {values.map((v) => (
        <SecretValue key={v.label} label={v.label} value={v.value} />
      ))}
      <button type="button" class="secondary" onClick={onDismiss}>
        {t('dismiss')}
      </button>
    </section>
  );
}

function SecretValue({ label, value }: { label: string; value: string }) {
  const t = useT(messages);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      setCopied('failed'); // no clipboard permission (or not a secure context): the text stays selectable
    }
  };
  return (
    <div class="secret-box">
      <span class="small">{label}</span>
      <code class="secret-value" data-secret-label={label}>
        {value}
      </code>
      <button type="button" aria-label={t('copyOf', { what: label })} onClick={copy}>
        {t('copy')}
      </button>
      <span role="status" class="small">
        {copied === 'yes' ? t('copied') : copied === 'failed' ? t('copyFailed') : ''}
      </span>
    </div>
  );
}
