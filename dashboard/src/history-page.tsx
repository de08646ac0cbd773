/**
 * #/history: sync runs per day by status and items synced per day by account (syncReport.daily,
 * charted with uPlot, with the same figures as a table), and the run list filtered by account and
 * status, page by page.
 */
import { useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import type { RunSummary } from './live-runs';
import { loadAccounts } from './accounts-panel';
import { DataTable, ErrorMessage, ListStatus, Section } from './components';
import { formatDuration, formatTime } from './format';
import { RunHeadCells } from './runs-panel';
import { DayChart, type ChartSeries } from './history-charts';
import { messages } from './history.messages';
import { useT } from './i18n';
import { Pager } from './list-controls';
import { HISTORY_REPORT, HISTORY_RUNS } from './operations';
import { useLoad } from './paging';
import { valueOf } from './form-parts';

export interface ReportDay {
  date: string;
  total: number;
  successful: number;
  failed: number;
  partial: number;
  cancelled: number;
  inProgress: number;
  itemsSynced: number;
  accounts: { account: { id: string; name: string }; runs: number; itemsSynced: number }[];
}

const PERIODS = [7, 14, 30, 90] as const;
const STATUSES = ['SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED', 'RUNNING', 'PENDING', 'INTERRUPTED'] as const;
const RUNS_PAGE = 25;
/** Line colours of the accounts, in turn. */
const PALETTE = ['#2457c5', '#c2410c', '#0f766e', '#7c3aed', '#be185d', '#4d7c0f', '#0369a1', '#a16207'];

export function HistoryPage() {
  const t = useT(messages);
  const [days, setDays] = useState<number>(14);
  const [report] = useQuery({ query: HISTORY_REPORT, variables: { days } });
  const daily = report.data?.syncReport.daily ?? [];
  const totals = report.data?.syncReport;

  const statusSeries: ChartSeries[] = [
    { label: t('SUCCESS'), color: 'var(--ok)', values: daily.map((d) => d.successful) },
    { label: t('PARTIAL'), color: 'var(--warn)', values: daily.map((d) => d.partial) },
    { label: t('FAILED'), color: 'var(--bad)', values: daily.map((d) => d.failed) },
    { label: t('CANCELLED'), color: 'var(--muted)', values: daily.map((d) => d.cancelled) },
    { label: t('IN_PROGRESS'), color: 'var(--accent)', values: daily.map((d) => d.inProgress) },
  ];
  // The accounts with runs in the period, by name (one line and one table column each).
  const seen = new Map<string, string>();
  for (const d of daily) for (const a of d.accounts) seen.set(a.account.id, a.account.name);
  const accounts = new Map([...seen].sort((a, b) => a[1].localeCompare(b[1])));
  const itemSeries: ChartSeries[] = [...accounts].map(([id, name], i) => ({
    label: name,
    color: PALETTE[i % PALETTE.length]!,
    values: daily.map((d) => d.accounts.find((a) => a.account.id === id)?.itemsSynced ?? 0),
  }));
  const range = { from: daily[0]?.date ?? '', to: daily.at(-1)?.date ?? '' };

  return (
    <>
      <Section
        title={t('title')}
        actions={
          <label class="inline-field">
            {t('period')}
            <select aria-label={t('period')} value={days} onChange={(e) => setDays(Number(valueOf(e)))}>
              {PERIODS.map((p) => (
                <option key={p} value={p}>
                  {t('lastDays', { count: p })}
                </option>
              ))}
            </select>
          </label>
        }
      >
        <ErrorMessage error={report.error} />
        <ListStatus result={report} what={t('loading')} />
        {totals && daily.length ? (
          <div class="history-charts">
            <figure>
              <figcaption>{t('runsChart')}</figcaption>
              <DayChart
                days={daily.map((d) => d.date)}
                series={statusSeries}
                stacked
                dayLabel={t('colDay')}
                label={t('chartSummary', { runs: totals.total, ...range, successful: totals.successful, partial: totals.partial, failed: totals.failed, cancelled: totals.cancelled, inProgress: totals.inProgress })}
              />
            </figure>
            <figure>
              <figcaption>{t('itemsChart')}</figcaption>
              <DayChart days={daily.map((d) => d.date)} series={itemSeries} stacked={false} dayLabel={t('colDay')} label={t('itemsSummary', { items: totals.itemsSynced, ...range })} />
            </figure>
          </div>
        ) : null}
        {daily.length ? (
          <details class="history-table">
            <summary>{t('asTable')}</summary>
            <DataTable class="history-days" columns={[t('colDay'), t('SUCCESS'), t('PARTIAL'), t('FAILED'), t('CANCELLED'), t('IN_PROGRESS'), ...[...accounts.values()].map((name) => `${t('items')}: ${name}`)]}>
              {daily.map((d) => (
                <tr key={d.date} data-day={d.date}>
                  <th scope="row">{d.date}</th>
                  <td>{d.successful}</td>
                  <td>{d.partial}</td>
                  <td>{d.failed}</td>
                  <td>{d.cancelled}</td>
                  <td>{d.inProgress}</td>
                  {[...accounts.keys()].map((id) => (
                    <td key={id}>{d.accounts.find((a) => a.account.id === id)?.itemsSynced ?? 0}</td>
                  ))}
                </tr>
              ))}
            </DataTable>
          </details>
        ) : null}
      </Section>
      <RunList />
    </>
  );
}

/** Every run, newest first, filtered by account and status, a page at a time. */
function RunList() {
  const t = useT(messages);
  const [accounts] = useLoad(loadAccounts);
  const [accountId, setAccountId] = useState('');
  const [status, setStatus] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const filter = { ...(accountId ? { accountId } : {}), ...(status ? { status: [status] } : {}) };
  const [result] = useQuery({ query: HISTORY_RUNS, variables: { filter, first: RUNS_PAGE, after: cursors.at(-1) ?? null } });
  const page = result.data?.syncRuns;
  const refilter = (apply: () => void) => {
    apply();
    setCursors([null]);
  };

  return (
    <Section title={t('runsTitle')}>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('account')}
          <select aria-label={t('account')} value={accountId} onChange={(e) => refilter(() => setAccountId(valueOf(e)))}>
            <option value="">{t('allAccounts')}</option>
            {accounts.data?.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('status')}
          <select aria-label={t('status')} value={status} onChange={(e) => refilter(() => setStatus(valueOf(e)))}>
            <option value="">{t('allStatuses')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorMessage error={result.error ?? accounts.error} />
      <ListStatus result={result} what={t('runsLoading')} empty={page?.edges.length === 0}>
        {t('noRuns')}
      </ListStatus>
      {page?.edges.length ? (
        <DataTable class="history-runs" columns={[t('colRun'), t('colAccount'), t('colMode'), t('colStatus'), t('colCounts'), t('colStarted'), t('colDuration')]}>
          {page.edges.map(({ node: run }: { node: RunSummary }) => (
            <tr key={run.id} data-run-id={run.id}>
              <RunHeadCells run={run} status={run.status} />
              <td>
                {run.created} / {run.updated} / {run.unchanged} / {run.failed}
              </td>
              <td>{formatTime(run.startedAt)}</td>
              <td>{formatDuration(run.durationMs)}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {page ? (
        <Pager label={t('pages')} count={t('runCount', { count: page.totalCount })} cursors={cursors} setCursors={setCursors} pageInfo={page.pageInfo} previous={t('previous')} next={t('next')} />
      ) : null}
    </Section>
  );
}
