/**
 * #/accounts: the marketplace accounts with their settings; ADMIN adds and edits them (the form is
 * built from the channel's credential fields the API serves), OPERATOR and ADMIN test the
 * connection and see the marketplace's answer (its kind, AUTH, NETWORK…, and message).
 * Credentials are write-only: the API never returns them and the form never refills them.
 */
import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { canOperate, isAdmin } from './auth';
import { AccountForm } from './accounts-form';
import { messages } from './accounts.messages';
import { DataTable, ErrorMessage, ListStatus, PayloadErrors, Section, StatusBadge, type PayloadError } from './components';
import { formatTime } from './format';
import { useT } from './i18n';
import { ACCOUNT_DETAILS, CHANNELS, TEST_ACCOUNT, UPDATE_ACCOUNT } from './operations';
import { fetchAllNodes, useLoad } from './paging';
import { useViewer } from './session';
import { Notice } from './form-parts';

export interface ChannelFieldInfo {
  name: string;
  type: string;
  required: boolean;
  description: string;
}

export interface ChannelInfo {
  channel: string;
  description: string;
  defaultBaseUrl: string | null;
  defaultConflictStrategy: string;
  defaultConflictStrategyReason: string;
  credentialFields: ChannelFieldInfo[];
}

export interface RateLimitInfo {
  endpointClass: string;
  limit: number;
  periodMs: number;
  overridden: boolean;
}

export interface AccountDetail {
  id: string;
  name: string;
  channel: string;
  fulfillment: string | null;
  baseUrl: string;
  enabled: boolean;
  conflictStrategy: string;
  rateLimits: Record<string, { limit: number; periodMs: number }> | null;
  effectiveRateLimits: RateLimitInfo[] | null;
  hasCredentials: boolean;
  lastTestedAt: string | null;
  lastTestOk: boolean | null;
}

export interface ConnectionTest {
  ok: boolean | null;
  kind: string | null;
  message: string | null;
  account: AccountDetail | null;
  errors: PayloadError[];
}

type Editing = { mode: 'create' } | { mode: 'edit'; account: AccountDetail } | null;

export function AccountsPage() {
  const t = useT(messages);
  const { role } = useViewer();
  const admin = isAdmin(role);
  const operator = canOperate(role);
  const [channels] = useQuery({ query: CHANNELS });
  const [accounts, reload] = useLoad((client, policy) => fetchAllNodes(client, ACCOUNT_DETAILS, (data) => data.accounts, policy));
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [tests, setTests] = useState<Record<string, ConnectionTest | 'running'>>({});
  const [payloadErrors, setPayloadErrors] = useState<PayloadError[]>([]);
  const [testState, testConnection] = useMutation(TEST_ACCOUNT);
  const [updateState, update] = useMutation(UPDATE_ACCOUNT);

  const runTest = async (account: AccountDetail) => {
    setTests((current) => ({ ...current, [account.id]: 'running' }));
    const answer = await testConnection({ id: account.id });
    const payload = answer.data?.testAccountConnection;
    setTests((current) => {
      const next = { ...current };
      if (payload) next[account.id] = payload;
      else delete next[account.id];
      return next;
    });
    if (payload) setPayloadErrors(payload.errors);
    reload();
  };
  const setEnabled = async (account: AccountDetail, enabled: boolean) => {
    const answer = await update({ input: { id: account.id, enabled } });
    setPayloadErrors(answer.data?.updateAccount.errors ?? []);
    reload();
  };

  const list = accounts.data ?? [];
  return (
    <>
      <Section
        title={t('title')}
        actions={
          admin ? (
            <button type="button" onClick={() => (setNotice(null), setEditing({ mode: 'create' }))}>
              {t('add')}
            </button>
          ) : null
        }
      >
        <ErrorMessage error={accounts.error ?? channels.error ?? testState.error ?? updateState.error} />
        <PayloadErrors errors={payloadErrors} />
        <Notice text={notice} />
        <ListStatus result={accounts} what={t('loading')} empty={list.length === 0}>
          {t('none')}
        </ListStatus>
        {list.length ? (
          <DataTable class="accounts-table" columns={[t('colName'), t('colChannel'), t('colStatus'), t('colStrategy'), t('colTest'), operator && t('colActions')]}>
            {list.map((account) => {
              const test = tests[account.id];
              return (
                <tr key={account.id} data-account-id={account.id}>
                  <th scope="row">{account.name}</th>
                  <td>
                    {account.channel}
                    {account.fulfillment ? ` ${account.fulfillment}` : ''}
                    <div class="muted small url">{account.baseUrl}</div>
                  </td>
                  <td>{account.enabled ? <StatusBadge status="ENABLED" /> : <StatusBadge status="DISABLED" />}</td>
                  <td>{account.conflictStrategy}</td>
                  <td>
                    {account.lastTestedAt === null ? (
                      <span class="muted">{t('neverTested')}</span>
                    ) : (
                      <span class={account.lastTestOk ? 'ok-text' : 'bad-text'}>{t(account.lastTestOk ? 'testPassed' : 'testFailed', { time: formatTime(account.lastTestedAt) })}</span>
                    )}
                    {test && test !== 'running' && test.ok !== null ? <TestOutcome name={account.name} test={test} /> : null}
                  </td>
                  {operator ? (
                    <td class="actions">
                      <button type="button" aria-label={t('testLabel', { name: account.name })} disabled={test === 'running'} onClick={() => runTest(account)}>
                        {test === 'running' ? t('testing') : t('test')}
                      </button>
                      {admin ? (
                        <>
                          <button type="button" class="secondary" aria-label={t('editLabel', { name: account.name })} onClick={() => (setNotice(null), setEditing({ mode: 'edit', account }))}>
                            {t('edit')}
                          </button>
                          <button
                            type="button"
                            class="secondary"
                            aria-label={t(account.enabled ? 'disableLabel' : 'enableLabel', { name: account.name })}
                            disabled={updateState.fetching}
                            onClick={() => setEnabled(account, !account.enabled)}
                          >
                            {t(account.enabled ? 'disable' : 'enable')}
                          </button>
                        </>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </DataTable>
        ) : null}
      </Section>
      {admin && editing && channels.data ? (
        <AccountForm
          key={editing.mode === 'edit' ? editing.account.id : 'new'}
          channels={channels.data.channels}
          account={editing.mode === 'edit' ? editing.account : null}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            setNotice(t('saved', { name: saved.name }));
            // Any earlier test was of the credentials before this save.
            setTests((current) => {
              const next = { ...current };
              delete next[saved.id];
              return next;
            });
            reload();
          }}
        />
      ) : null}
    </>
  );
}

/** The marketplace's answer to the last test, as it gave it: the kind (AUTH, NETWORK…) and its message. */
function TestOutcome({ name, test }: { name: string; test: ConnectionTest }) {
  const t = useT(messages);
  return (
    <p class={`test-outcome ${test.ok ? 'ok-text' : 'bad-text'}`} role="status">
      {test.ok ? t('testOk', { name }) : t('testKo', { name, kind: test.kind ?? '', message: test.message ?? '' })}
    </p>
  );
}
