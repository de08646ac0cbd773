/**
 * #/conflicts: the MANUAL queue. Each open conflict shows the local value, the remote base (what
 * the marketplace held when the local edit was made) and the remote value now, side by side; an
 * OPERATOR keeps the local value or takes the remote one, for one conflict or for a selection.
 * The queue is read again when sync runs finish (they find new conflicts) and after each decision.
 */
import { useMutation, useQuery, useSubscription } from '@urql/preact';
import { useState } from 'preact/hooks';
import { canOperate } from './auth';
import { AccountSelect, Pager, useListFilter } from './list-controls';
import { DataTable, ErrorMessage, ListStatus, PayloadErrors, Section, type PayloadError } from './components';
import { useOnReconnect } from './connection';
import type { ConflictFilter } from './conflicts-types';
import { conflictsMessages } from './conflicts.messages';
import { formatAmount, formatTime } from './format';
import { useCoalesced } from './hooks';
import { useT } from './i18n';
import { CONFLICTS, CONFLICT_EVENTS, RESOLVE_CONFLICT } from './operations';
import { useViewer } from './session';
import { noteUserChange } from './user-changes';

const PAGE_SIZE = 25;
const REFETCH_AFTER_MS = 1_000;
const FIELDS = ['PRICE', 'STOCK', 'ORDER_STATUS'] as const;
type Resolution = 'KEEP_LOCAL' | 'TAKE_REMOTE';

export function ConflictsPage() {
  const t = useT(conflictsMessages);
  const operator = canOperate(useViewer().role);
  const list = useListFilter<ConflictFilter>();
  const { filter, cursors, setCursors, after } = list;
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [outcome, setOutcome] = useState<{ resolved: number; errors: PayloadError[] } | null>(null);
  const [result, refetch] = useQuery({ query: CONFLICTS, variables: { filter, first: PAGE_SIZE, after } });
  const [runs] = useSubscription({ query: CONFLICT_EVENTS }, (count: number = 0) => count + 1);
  const reread = () => refetch({ requestPolicy: 'network-only' });
  useCoalesced(runs.data ?? 0, REFETCH_AFTER_MS, reread);
  useOnReconnect(reread);
  const [resolveState, resolve] = useMutation(RESOLVE_CONFLICT);

  const apply = (change: Partial<ConflictFilter>) => {
    setSelected(new Set());
    list.apply(change);
  };
  const page = result.data?.syncConflicts;
  const rows = page?.edges.map((e) => e.node) ?? [];
  const toggle = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  /** Settles the conflicts one after another (each is its own transaction), then reads the queue again. */
  const decide = async (ids: string[], resolution: Resolution) => {
    let resolved = 0;
    const errors: PayloadError[] = [];
    for (const id of ids) {
      const answer = await resolve({ input: { id, resolution } });
      const payload = answer.data?.resolveSyncConflict;
      if (payload && payload.errors.length === 0) resolved += 1;
      else errors.push(...(payload?.errors ?? [{ code: 'ERROR', message: answer.error?.message ?? '?' }]));
    }
    if (resolved) noteUserChange();
    setOutcome({ resolved, errors });
    setSelected(new Set());
    reread();
  };

  const columns = [operator && t('colSelect'), t('colWhat'), t('colField'), t('colLocal'), t('colBase'), t('colRemote'), t('colFound'), operator && t('colActions')];
  return (
    <Section title={t('title')}>
      <p class="muted">{t('intro')}</p>
      <form class="filters" aria-label={t('filters')} onSubmit={(e) => e.preventDefault()}>
        <AccountSelect label={t('account')} allLabel={t('allAccounts')} value={filter.accountId} onChange={(accountId) => apply({ accountId })} />
        <label>
          {t('field')}
          <select value={filter.field ?? ''} onChange={(e) => apply({ field: ((e.currentTarget as HTMLSelectElement).value || undefined) as ConflictFilter['field'] })}>
            <option value="">{t('allFields')}</option>
            {FIELDS.map((f) => (
              <option key={f} value={f}>
                {t(f)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorMessage error={result.error ?? resolveState.error} />
      {outcome ? (
        <>
          {outcome.resolved ? (
            <p class="notice" role="status">
              {t('resolved', { count: outcome.resolved })}
            </p>
          ) : null}
          <PayloadErrors errors={outcome.errors} />
        </>
      ) : null}
      {operator && rows.length ? (
        <div class="selection-bar">
          <span class="muted">{t('selected', { count: selected.size })}</span>
          <button type="button" disabled={selected.size === 0 || resolveState.fetching} onClick={() => void decide([...selected], 'KEEP_LOCAL')}>
            {t('keepSelected')}
          </button>
          <button type="button" class="secondary" disabled={selected.size === 0 || resolveState.fetching} onClick={() => void decide([...selected], 'TAKE_REMOTE')}>
            {t('takeSelected')}
          </button>
        </div>
      ) : null}
      <ListStatus result={result} what={t('loading')} empty={rows.length === 0}>
        {t('none')}
      </ListStatus>
      {rows.length ? (
        <>
          <DataTable class="conflicts" columns={columns}>
            {operator ? (
              <tr>
                <td colSpan={columns.filter(Boolean).length}>
                  <label class="check">
                    <input type="checkbox" checked={rows.every((r) => selected.has(r.id))} onChange={(e) => setSelected((e.currentTarget as HTMLInputElement).checked ? new Set(rows.map((r) => r.id)) : new Set())} />
                    {t('selectAll')}
                  </label>
                </td>
              </tr>
            ) : null}
            {rows.map((c) => {
              const what = c.listing ? `${c.listing.sku} — ${c.listing.product.name}` : c.order ? t('order', { number: c.order.externalId }) : c.id;
              const show = (value: string | null) => (value === null ? <span class="muted">{t('baseUnknown')}</span> : c.field === 'PRICE' && c.listing ? formatAmount(value, c.listing.currency) : value);
              return (
                <tr key={c.id} data-conflict-id={c.id} class={selected.has(c.id) ? 'selected' : undefined}>
                  {operator ? (
                    <td>
                      <input type="checkbox" aria-label={t('select', { what })} checked={selected.has(c.id)} onChange={(e) => toggle(c.id, (e.currentTarget as HTMLInputElement).checked)} />
                    </td>
                  ) : null}
                  <th scope="row">
                    {c.listing ? <a href={`#/catalog?product=${c.listing.product.id}`}>{what}</a> : c.order ? <a href={`#/orders?order=${c.order.id}`}>{what}</a> : what}
                    <div class="muted small">
                      {c.account.name} ({c.account.channel})
                    </div>
                  </th>
                  <td>{t(c.field)}</td>
                  <td class="value changed" data-side="local">
                    {show(c.localValue)}
                    <div class="muted small">{formatTime(c.localChangedAt)}</div>
                  </td>
                  <td class="value" data-side="base">
                    {show(c.baseValue)}
                  </td>
                  <td class="value changed" data-side="remote">
                    {show(c.remoteValue)}
                    {c.remoteChangedAt ? <div class="muted small">{formatTime(c.remoteChangedAt)}</div> : null}
                  </td>
                  <td class="small nowrap">{formatTime(c.createdAt)}</td>
                  {operator ? (
                    <td>
                      <div class="actions">
                        <button type="button" disabled={resolveState.fetching} aria-label={t('keepLocalOf', { what })} onClick={() => void decide([c.id], 'KEEP_LOCAL')}>
                          {t('keepLocal')}
                        </button>
                        <button type="button" class="secondary" disabled={resolveState.fetching} aria-label={t('takeRemoteOf', { what })} onClick={() => void decide([c.id], 'TAKE_REMOTE')}>
                          {t('takeRemote')}
                        </button>
                      </div>
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </DataTable>
          {page ? <Pager label={t('pages')} count={t('count', { count: page.totalCount })} cursors={cursors} setCursors={setCursors} pageInfo={page.pageInfo} previous={t('previous')} next={t('next')} /> : null}
        </>
      ) : null}
    </Section>
  );
}
