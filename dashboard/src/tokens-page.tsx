/**
 * #/tokens (ADMIN): API tokens by prefix, role, use and expiry; create one (its secret is shown
 * this once, with a copy button) and revoke one.
 */
import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { DataTable, ErrorMessage, ListStatus, PayloadErrors, Section, StatusBadge, type PayloadError } from './components';
import { formatTime } from './format';
import { useT } from './i18n';
import { API_TOKENS, CREATE_API_TOKEN, REVOKE_API_TOKEN } from './operations';
import { SecretOnce, type ShownSecret } from './webhooks-secret';
import { messages } from './tokens.messages';
import { Notice, valueOf } from './form-parts';

export interface ApiTokenRow {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

const ROLES = ['VIEWER', 'OPERATOR', 'ADMIN'] as const;

export function TokensPage() {
  const t = useT(messages);
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const [result, refetch] = useQuery({ query: API_TOKENS, variables: { includeRevoked } });
  const [createState, create] = useMutation(CREATE_API_TOKEN);
  const [revokeState, revoke] = useMutation(REVOKE_API_TOKEN);
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('VIEWER');
  const [expires, setExpires] = useState('');
  const [secret, setSecret] = useState<ShownSecret | null>(null);
  const [errors, setErrors] = useState<PayloadError[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const tokens = result.data?.apiTokens.edges.map((e) => e.node) ?? [];
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const onCreate = async (e: Event) => {
    e.preventDefault();
    // The end of the chosen day, in the user's zone.
    const expiresAt = expires ? new Date(`${expires}T23:59:59`).toISOString() : null;
    const answer = await create({ input: { name: name.trim(), role, ...(expiresAt ? { expiresAt } : {}) } });
    const payload = answer.data?.createApiToken;
    setErrors(payload?.errors ?? []);
    setNotice(null);
    if (payload?.apiToken && payload.token) {
      setSecret({ url: payload.apiToken.name, secret: payload.token });
      setName('');
      setExpires('');
    }
    reload();
  };
  const onRevoke = async (token: ApiTokenRow) => {
    if (!window.confirm(t('confirmRevoke', { name: token.name }))) return;
    const answer = await revoke({ id: token.id });
    const payload = answer.data?.revokeApiToken;
    setErrors(payload?.errors ?? []);
    if (payload?.apiToken) setNotice(t('revoked', { name: token.name }));
    reload();
  };

  return (
    <>
      <Section title={t('formTitle')}>
        <form class="filters" onSubmit={onCreate}>
          <label>
            {t('name')}
            <input required maxLength={100} value={name} onInput={(e) => setName(valueOf(e))} />
          </label>
          <label>
            {t('role')}
            <select aria-label={t('role')} value={role} onChange={(e) => setRole(valueOf(e))}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`role${r}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('expiresAt')}
            <input type="date" value={expires} onInput={(e) => setExpires(valueOf(e))} />
          </label>
          <button type="submit" disabled={createState.fetching}>
            {t('create')}
          </button>
        </form>
        {secret ? <SecretOnce key={secret.secret} shown={secret} title={t('secretTitle')} note={t('secretNote')} secretLabel={t('secretLabel')} onDismiss={() => setSecret(null)} /> : null}
      </Section>
      <Section
        title={t('title')}
        actions={
          <label class="check">
            <input type="checkbox" checked={includeRevoked} onChange={(e) => setIncludeRevoked((e.currentTarget as HTMLInputElement).checked)} />
            {t('showRevoked')}
          </label>
        }
      >
        <ErrorMessage error={result.error ?? createState.error ?? revokeState.error} />
        <PayloadErrors errors={errors} />
        <Notice text={notice} />
        <ListStatus result={result} what={t('loading')} empty={tokens.length === 0}>
          {t('none')}
        </ListStatus>
        {tokens.length ? (
          <DataTable columns={[t('colName'), t('colRole'), t('colPrefix'), t('colCreated'), t('colLastUsed'), t('colExpires'), t('colState'), t('colActions')]}>
            {tokens.map((token) => {
              const expired = token.expiresAt !== null && new Date(token.expiresAt).getTime() <= Date.now();
              return (
                <tr key={token.id} data-token-id={token.id}>
                  <th scope="row">{token.name}</th>
                  <td>{token.role}</td>
                  <td>
                    <code>{token.prefix}…</code>
                  </td>
                  <td>{formatTime(token.createdAt)}</td>
                  <td>{token.lastUsedAt ? formatTime(token.lastUsedAt) : t('never')}</td>
                  <td>{token.expiresAt ? formatTime(token.expiresAt) : t('never')}</td>
                  <td>
                    {token.revokedAt ? (
                      <>
                        <StatusBadge status="REVOKED" /> {t('revokedAt', { time: formatTime(token.revokedAt) })}
                      </>
                    ) : expired ? (
                      <StatusBadge status="EXPIRED" />
                    ) : (
                      <span class="ok-text">{t('valid')}</span>
                    )}
                  </td>
                  <td>
                    {token.revokedAt ? null : (
                      <button type="button" class="danger" aria-label={t('revokeOf', { name: token.name })} disabled={revokeState.fetching} onClick={() => onRevoke(token)}>
                        {t('revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        ) : null}
      </Section>
    </>
  );
}
