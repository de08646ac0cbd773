/**
 * Adding or editing one account. The credential inputs come from the chosen channel's
 * `credentialFields` (the API's own validation schema), so a new channel or field needs no
 * dashboard change. They start empty on edit (the API never returns credentials) and are sent
 * only when filled.
 */
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import type { AccountDetail, ChannelInfo } from './accounts-page';
import { messages } from './accounts.messages';
import { ErrorMessage, PayloadErrors, Section, type PayloadError } from './components';
import { useT } from './i18n';
import { CREATE_ACCOUNT, UPDATE_ACCOUNT } from './operations';
import { FormButtons, valueOf } from './form-parts';

const STRATEGIES = ['REMOTE_PRIORITY', 'LOCAL_PRIORITY', 'NEWEST_WINS', 'MANUAL'] as const;
const FULFILLMENTS = ['MAIN', 'FBE'] as const;

type RateDraft = Record<string, { limit: string; periodMs: string }>;


/** The overrides the form holds, as updateAccount takes them: classes with both numbers filled. */
function rateLimitsOf(draft: RateDraft): Record<string, { limit: number; periodMs: number }> {
  const out: Record<string, { limit: number; periodMs: number }> = {};
  for (const [name, { limit, periodMs }] of Object.entries(draft)) {
    if (limit.trim() && periodMs.trim()) out[name] = { limit: Number(limit), periodMs: Number(periodMs) };
  }
  return out;
}

export function AccountForm({ channels, account, onCancel, onSaved }: { channels: ChannelInfo[]; account: AccountDetail | null; onCancel(): void; onSaved(account: { id: string; name: string }): void }) {
  const t = useT(messages);
  const [channel, setChannel] = useState(account?.channel ?? channels[0]?.channel ?? '');
  const info = channels.find((c) => c.channel === channel);
  const [name, setName] = useState(account?.name ?? '');
  const [fulfillment, setFulfillment] = useState(account?.fulfillment ?? 'MAIN');
  const [baseUrl, setBaseUrl] = useState(account?.baseUrl ?? info?.defaultBaseUrl ?? '');
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const [strategy, setStrategy] = useState(account?.conflictStrategy ?? '');
  const [enabled, setEnabled] = useState(account?.enabled ?? true);
  const [rates, setRates] = useState<RateDraft>(() =>
    Object.fromEntries(Object.entries(account?.rateLimits ?? {}).map(([k, v]) => [k, { limit: String(v.limit), periodMs: String(v.periodMs) }])),
  );
  const [errors, setErrors] = useState<PayloadError[]>([]);
  const [createState, create] = useMutation(CREATE_ACCOUNT);
  const [updateState, update] = useMutation(UPDATE_ACCOUNT);
  const saving = createState.fetching || updateState.fetching;
  const emag = channel === 'EMAG';

  const chooseChannel = (next: string) => {
    setChannel(next);
    setCredentials({});
    setBaseUrl(channels.find((c) => c.channel === next)?.defaultBaseUrl ?? '');
  };

  const save = async (e: Event) => {
    e.preventDefault();
    const filled = Object.fromEntries(Object.entries(credentials).filter(([, v]) => v !== ''));
    const common = {
      name,
      baseUrl,
      enabled,
      ...(emag ? { fulfillment } : {}),
      ...(strategy ? { conflictStrategy: strategy } : {}),
    };
    const answer = account
      ? await update({ input: { id: account.id, ...common, rateLimits: rateLimitsOf(rates), ...(Object.keys(filled).length ? { credentials: filled } : {}) } })
      : await create({ input: { channel, ...common, credentials: filled } });
    const payload = answer.data ? ('updateAccount' in answer.data ? answer.data.updateAccount : answer.data.createAccount) : null;
    setErrors(payload?.errors ?? []);
    // Whatever happened, the secrets typed are not kept in the page.
    setCredentials({});
    if (payload?.account) onSaved(payload.account);
  };

  return (
    <Section title={account ? t('formEdit', { name: account.name }) : t('formAdd')}>
      <form class="account-form" onSubmit={save} autocomplete="off">
        <ErrorMessage error={createState.error ?? updateState.error} />
        <PayloadErrors errors={errors} />
        <div class="form-grid">
          <label>
            {t('channel')}
            <select aria-label={t('channel')} value={channel} disabled={!!account} onChange={(e) => chooseChannel(valueOf(e))}>
              {channels.map((c) => (
                <option key={c.channel} value={c.channel}>
                  {c.channel}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('name')}
            <input required maxLength={200} value={name} onInput={(e) => setName(valueOf(e))} />
          </label>
          {emag ? (
            <label>
              {t('fulfillment')}
              <select aria-label={t('fulfillment')} value={fulfillment} onChange={(e) => setFulfillment(valueOf(e))}>
                {FULFILLMENTS.map((f) => (
                  <option key={f} value={f}>
                    {f}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label>
            {t('baseUrl')}
            <input type="url" required value={baseUrl} onInput={(e) => setBaseUrl(valueOf(e))} />
          </label>
          <div>
            <label>
              {t('strategy')}
              <select aria-label={t('strategy')} value={strategy} aria-describedby={info ? 'strategy-hint' : undefined} onChange={(e) => setStrategy(valueOf(e))}>
                {account ? null : <option value="">{info ? t('strategyChannel', { strategy: info.defaultConflictStrategy }) : ''}</option>}
                {STRATEGIES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            {info ? (
              <p class="hint" id="strategy-hint">
                {t('strategyDefault', { strategy: info.defaultConflictStrategy, reason: info.defaultConflictStrategyReason })}
              </p>
            ) : null}
          </div>
          <label class="check">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled((e.currentTarget as HTMLInputElement).checked)} />
            {t('enabledField')}
          </label>
        </div>
        <fieldset>
          <legend>{t('credentials')}</legend>
          <p class="hint">{account ? t('credentialsKeep') : t('credentialsNew')}</p>
          <div class="form-grid">
            {info?.credentialFields.map((field) => (
              <div key={field.name}>
                <label>
                  {field.name}
                  {field.required ? ` (${t('required')})` : ''}
                  <input
                    type="password"
                    autocomplete="new-password"
                    aria-describedby={`credential-${field.name}-hint`}
                    required={!account && field.required}
                    value={credentials[field.name] ?? ''}
                    onInput={(e) => setCredentials((c) => ({ ...c, [field.name]: valueOf(e) }))}
                  />
                </label>
                <p class="hint" id={`credential-${field.name}-hint`}>
                  {field.description}
                </p>
              </div>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('rateLimits')}</legend>
          {account?.effectiveRateLimits?.length ? (
            <>
              <p class="hint">{t('rateLimitsHint')}</p>
              <table class="rate-limits">
                <thead>
                  <tr>
                    <th scope="col">{t('rateClass')}</th>
                    <th scope="col">{t('rateLimit')}</th>
                    <th scope="col">{t('ratePeriod')}</th>
                  </tr>
                </thead>
                <tbody>
                  {account.effectiveRateLimits.map((rate) => {
                    const draft = rates[rate.endpointClass] ?? { limit: '', periodMs: '' };
                    const set = (key: 'limit' | 'periodMs', value: string) => setRates((r) => ({ ...r, [rate.endpointClass]: { ...draft, [key]: value } }));
                    return (
                      <tr key={rate.endpointClass}>
                        <th scope="row">
                          {rate.endpointClass}
                          <div class="hint">{t('rateDefault', { limit: rate.limit, period: rate.periodMs })}</div>
                        </th>
                        <td>
                          <input type="number" min={1} aria-label={t('rateLimitOf', { name: rate.endpointClass })} placeholder={String(rate.limit)} value={draft.limit} onInput={(e) => set('limit', valueOf(e))} />
                        </td>
                        <td>
                          <input type="number" min={1} aria-label={t('ratePeriodOf', { name: rate.endpointClass })} placeholder={String(rate.periodMs)} value={draft.periodMs} onInput={(e) => set('periodMs', valueOf(e))} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </>
          ) : (
            <p class="hint">{t('rateAfterSave')}</p>
          )}
        </fieldset>
        <FormButtons save={saving ? t('saving') : t('save')} cancel={t('cancel')} busy={saving} onCancel={onCancel} />
      </form>
    </Section>
  );
}
