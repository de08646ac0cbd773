/**
 * #/logs: sync logs newest first, filtered by account, level (that level and more severe), run and
 * message text; "Load more" appends the next page. ERROR rows stand out; run-level entries show
 * the run's duration (their context carries durationMs).
 */
import { useQuery } from '@urql/preact';
import { LOGS } from './operations';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { DataTable, ErrorMessage, Loading, Section } from './components';
import { formatDuration, formatTime, shortId } from './format';
import { useT } from './i18n';
import { AccountSelect, FilterForm, TextField } from './list-controls';
import { logsMessages } from './logs.messages';

const PAGE_SIZE = 50;
const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
const COLUMNS = ['colTime', 'colLevel', 'colAccount', 'colRun', 'colMessage', 'colDuration', 'colContext'] as const;

export interface LogFilter {
  accountId?: string;
  level?: string;
  runId?: string;
  search?: string;
}

export interface LogEntry {
  id: string;
  createdAt: string;
  level: string;
  message: string;
  context: unknown;
  runId: string | null;
  accountId: string | null;
  account: { name: string } | null;
}


export function LogsPage() {
  const t = useT(logsMessages);
  const [filter, setFilter] = useState<LogFilter>({});
  const [runText, setRunText] = useState('');
  const [searchText, setSearchText] = useState('');

  const apply = (change: Partial<LogFilter>) => setFilter((current) => clean({ ...current, ...change }));
  const filterByRun = (runId: string) => {
    setRunText(runId);
    apply({ runId });
  };

  return (
    <Section title={t('title')}>
      <FilterForm
        label={t('filters')}
        apply={t('apply')}
        clear={t('clear')}
        onApply={() => apply({ runId: runText.trim(), search: searchText.trim() })}
        onClear={() => {
          setRunText('');
          setSearchText('');
          setFilter({});
        }}
      >
        <AccountSelect label={t('account')} allLabel={t('allAccounts')} value={filter.accountId} onChange={(accountId) => apply({ accountId })} />
        <label>
          {t('level')}
          <select value={filter.level ?? ''} onChange={(e) => apply({ level: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="">{t('anyLevel')}</option>
            {LEVELS.map((level) => (
              <option key={level} value={level}>
                {t('levelAndAbove', { level })}
              </option>
            ))}
          </select>
        </label>
        <TextField label={t('runId')} type="text" value={runText} placeholder={t('anyRun')} onInput={setRunText} />
        <TextField label={t('search')} value={searchText} onInput={setSearchText} />
      </FilterForm>
      {/* A new filter starts over from the first page. */}
      <LogList key={JSON.stringify(filter)} filter={filter} onRun={filterByRun} />
    </Section>
  );
}

function clean(filter: LogFilter): LogFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value)) as LogFilter;
}

function LogList({ filter, onRun }: { filter: LogFilter; onRun(runId: string): void }) {
  const t = useT(logsMessages);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <DataTable class="logs" columns={COLUMNS.map((key) => t(key))} label={t('title')} bodies>
      {cursors.map((after, index) => (
        <LogPage key={after ?? 'first'} filter={filter} after={after} last={index === cursors.length - 1} onMore={(cursor) => setCursors((all) => [...all, cursor])} onRun={onRun} />
      ))}
    </DataTable>
  );
}

function LogPage({ filter, after, last, onMore, onRun }: { filter: LogFilter; after: string | null; last: boolean; onMore(cursor: string): void; onRun(runId: string): void }) {
  const t = useT(logsMessages);
  const [result] = useQuery({ query: LOGS, variables: { filter, first: PAGE_SIZE, after } });
  const page = result.data?.syncLogs;
  return (
    <tbody>
      {result.error ? (
        <WideRow>
          <ErrorMessage error={result.error} />
        </WideRow>
      ) : null}
      {!page && result.fetching ? (
        <WideRow>
          <Loading what={t('loading')} />
        </WideRow>
      ) : null}
      {page?.edges.map(({ node }) => (
        <tr key={node.id} class={`log log-${node.level.toLowerCase()}`} data-level={node.level} data-account-id={node.accountId ?? ''} data-run-id={node.runId ?? ''}>
          <td class="nowrap">{formatTime(node.createdAt)}</td>
          <td>
            <span class={`badge badge-${node.level.toLowerCase()}`}>{node.level}</span>
          </td>
          <td>{node.account?.name ?? '—'}</td>
          <td>
            {node.runId ? (
              <button type="button" class="link" title={t('showOnlyRun', { id: node.runId })} aria-label={t('showLogsOfRun', { id: node.runId })} onClick={() => onRun(node.runId!)}>
                {shortId(node.runId)}
              </button>
            ) : (
              '—'
            )}
          </td>
          <td class="message">{node.message}</td>
          <td class="nowrap">{formatDuration(durationOf(node.context))}</td>
          <td>{hasContext(node.context) ? <ContextView context={node.context} /> : null}</td>
        </tr>
      ))}
      {page && last ? (
        <WideRow class="pager">
          <span class="muted">
            {t('matching', { count: page.totalCount })}
          </span>{' '}
          {page.pageInfo.hasNextPage && page.pageInfo.endCursor ? (
            <button type="button" onClick={() => onMore(page.pageInfo.endCursor!)}>
              {t('loadMore')}
            </button>
          ) : null}
        </WideRow>
      ) : null}
    </tbody>
  );
}

/** A row of one cell across every column: a page's error, loading line or pager. */
function WideRow({ class: className, children }: { class?: string; children: ComponentChildren }) {
  return (
    <tr class={className}>
      <td colSpan={COLUMNS.length}>{children}</td>
    </tr>
  );
}

function durationOf(context: unknown): number | null {
  if (context && typeof context === 'object' && 'durationMs' in context) {
    const value = (context as { durationMs: unknown }).durationMs;
    return typeof value === 'number' ? value : null;
  }
  return null;
}

const hasContext = (context: unknown) => context !== null && context !== undefined && !(typeof context === 'object' && Object.keys(context as object).length === 0);

function ContextView({ context }: { context: unknown }) {
  const t = useT(logsMessages);
  return (
    <details>
      <summary>{t('context')}</summary>
      <pre>{JSON.stringify(context, null, 2)}</pre>
    </details>
  );
}
