/**
 * #/production: dashboard figures (figures-panel.tsx), and batches with filters (open/closed, number, date range,
 * work center) and the Close / Reopen / Aggregate actions (OPERATOR and ADMIN), showing what a
 * mutation refused. Both follow the batch events (domainEvents), so a batch changed in another tab
 * or through the API shows without a reload.
 */
import { type Client, type RequestPolicy } from '@urql/core';
import { useMutation, useQuery, useSubscription } from '@urql/preact';
import { useState } from 'preact/hooks';
import { canOperate } from './auth';
import { DataTable, ErrorMessage, ListStatus, PayloadErrors, Section, StatusBadge, type PayloadError } from './components';
import { useOnReconnect } from './connection';
import { FiguresPanel } from './figures-panel';
import { formatDate, formatTime } from './format';
import { useCoalesced } from './hooks';
import { AGGREGATE, BATCHES, BATCH_EVENTS, CLOSE, REOPEN, WORK_CENTERS } from './operations';
import { fetchAllNodes, useLoad, type Connection } from './paging';
import { useViewer } from './session';
import { useT } from './i18n';
import { Pager } from './list-controls';
import { productionMessages } from './production.messages';

const PAGE_SIZE = 25;

export interface BatchFilter {
  closed?: boolean;
  batchNumber?: number;
  batchDateFrom?: string;
  batchDateTo?: string;
  workCenterId?: string;
}

export interface BatchRow {
  id: string;
  batchNumber: number;
  batchDate: string;
  nomenclature: string;
  shift: string;
  team: string;
  closed: boolean;
  closedAt: string | null;
  aggregatedUnitCount: number;
  workCenter: { id: string; identifier: string; name: string };
}



/** Every work center, for the filter. */
const loadWorkCenters = (client: Client, requestPolicy: RequestPolicy) => fetchAllNodes(client, WORK_CENTERS, (data) => data.workCenters, requestPolicy);


export type BatchPayload = { batch: BatchRow | null; errors: PayloadError[] };

/**
 * The events that change the batch list or the figures: every batch.* type (see eventTypes), and
 * product.aggregated (one unit aggregated on its own changes its batch's count).
 */
export const BATCH_EVENT_TYPES = [
  'batch.created',
  'batch.updated',
  'batch.closed',
  'batch.opened',
  'batch.deleted',
  'batch.product_added',
  'batch.product_removed',
  'batch.aggregated',
  'batch.report_generated',
  'batch.import_completed',
  'product.aggregated',
];
/** Events within this time (an import, a batch aggregated unit by unit) cost one read. */
const REFETCH_AFTER_MS = 1_000;

/** Reads the list again (network-only) shortly after batch events, and after a reconnection. */
function useFollowBatchEvents(batchEvents: number, refetch: (options: { requestPolicy: 'network-only' }) => void) {
  const reread = () => refetch({ requestPolicy: 'network-only' });
  useCoalesced(batchEvents, REFETCH_AFTER_MS, reread);
  useOnReconnect(reread);
}

export function ProductionPage() {
  const [events] = useSubscription({ query: BATCH_EVENTS, variables: { types: BATCH_EVENT_TYPES } }, (count: number = 0) => count + 1);
  const batchEvents = events.data ?? 0;
  return (
    <>
      <ErrorMessage error={events.error} />
      <FiguresPanel batchEvents={batchEvents} />
      <BatchesPanel batchEvents={batchEvents} />
    </>
  );
}

function BatchesPanel({ batchEvents }: { batchEvents: number }) {
  const t = useT(productionMessages);
  const operator = canOperate(useViewer().role);
  const [filter, setFilter] = useState<BatchFilter>({});
  const [numberText, setNumberText] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [workCenters] = useLoad(loadWorkCenters);
  const after = cursors[cursors.length - 1] ?? null;
  const [result, refetch] = useQuery({ query: BATCHES, variables: { filter, first: PAGE_SIZE, after } });
  useFollowBatchEvents(batchEvents, refetch);
  const [closeState, close] = useMutation(CLOSE);
  const [reopenState, reopen] = useMutation(REOPEN);
  const [aggregateState, aggregate] = useMutation(AGGREGATE);
  const [outcome, setOutcome] = useState<{ errors: PayloadError[]; message?: string }>({ errors: [] });

  const apply = (change: Partial<BatchFilter>) => {
    setCursors([null]);
    setFilter((current) => Object.fromEntries(Object.entries({ ...current, ...change }).filter(([, v]) => v !== undefined && v !== '')) as BatchFilter);
  };
  const onNumber = (event: Event) => {
    event.preventDefault();
    const n = Number.parseInt(numberText, 10);
    apply({ batchNumber: Number.isFinite(n) ? n : undefined });
  };
  const run = async (done: 'reopened' | 'closedDone' | 'aggregated', action: Promise<{ data?: Record<string, (BatchPayload & { aggregatedCount?: number | null }) | undefined> }>) => {
    const answer = await action;
    const payload = answer.data ? Object.values(answer.data)[0] : undefined;
    if (!payload) return;
    setOutcome({
      errors: payload.errors,
      message: payload.errors.length ? undefined : t(done, { number: payload.batch?.batchNumber ?? '', count: payload.aggregatedCount ?? 0 }),
    });
  };
  const busy = closeState.fetching || reopenState.fetching || aggregateState.fetching;
  const page = result.data?.batches;

  return (
    <Section title={t('batches')}>
      <form class="filters" onSubmit={onNumber} aria-label={t('filters')}>
        <label>
          {t('status')}
          <select value={filter.closed === undefined ? '' : filter.closed ? 'closed' : 'open'} onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value;
            apply({ closed: v === '' ? undefined : v === 'closed' });
          }}>
            <option value="">{t('openAndClosed')}</option>
            <option value="open">{t('open')}</option>
            <option value="closed">{t('closed')}</option>
          </select>
        </label>
        <label>
          {t('batchNumber')}
          <input type="number" min={0} value={numberText} onInput={(e) => setNumberText((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label>
          {t('fromDate')}
          <input type="date" value={filter.batchDateFrom ?? ''} onChange={(e) => apply({ batchDateFrom: (e.currentTarget as HTMLInputElement).value || undefined })} />
        </label>
        <label>
          {t('toDate')}
          <input type="date" value={filter.batchDateTo ?? ''} onChange={(e) => apply({ batchDateTo: (e.currentTarget as HTMLInputElement).value || undefined })} />
        </label>
        <label>
          {t('workCenter')}
          <select value={filter.workCenterId ?? ''} onChange={(e) => apply({ workCenterId: (e.currentTarget as HTMLSelectElement).value || undefined })}>
            <option value="">{t('allWorkCenters')}</option>
            {workCenters.data?.map((node) => (
              <option key={node.id} value={node.id}>
                {node.identifier} — {node.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('search')}</button>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            setNumberText('');
            setCursors([null]);
            setFilter({});
          }}
        >
          {t('clear')}
        </button>
      </form>
      <ErrorMessage error={result.error ?? closeState.error ?? reopenState.error ?? aggregateState.error} />
      <PayloadErrors errors={outcome.errors} />
      {outcome.message ? (
        <p class="notice" role="status">
          {outcome.message}
        </p>
      ) : null}
      <ListStatus result={result} what={t('loading')} />
      {page ? (
        <>
          <DataTable class="batches" columns={[t('colNumber'), t('colDate'), t('colNomenclature'), t('colWorkCenter'), t('colShiftTeam'), t('colAggregated'), t('colStatus'), operator && t('colActions')]}>
            {page.edges.map(({ node: batch }) => (
              <tr key={batch.id} data-batch-id={batch.id}>
                <th scope="row">{batch.batchNumber}</th>
                <td>{formatDate(batch.batchDate)}</td>
                <td>{batch.nomenclature}</td>
                <td>{batch.workCenter.identifier}</td>
                <td>
                  {batch.shift} / {batch.team}
                </td>
                <td>{batch.aggregatedUnitCount}</td>
                <td>
                  <StatusBadge status={batch.closed ? 'CLOSED' : 'OPEN'} />
                  {batch.closedAt ? <div class="muted small">{formatTime(batch.closedAt)}</div> : null}
                </td>
                {operator ? (
                  <td class="actions">
                    {batch.closed ? (
                      <button type="button" aria-label={t('reopenBatch', { number: batch.batchNumber })} disabled={busy} onClick={() => run('reopened', reopen({ id: batch.id }))}>
                        {t('reopen')}
                      </button>
                    ) : (
                      <button type="button" aria-label={t('closeBatch', { number: batch.batchNumber })} disabled={busy} onClick={() => run('closedDone', close({ id: batch.id }))}>
                        {t('close')}
                      </button>
                    )}
                    <button type="button" aria-label={t('aggregateBatch', { number: batch.batchNumber })} disabled={busy} onClick={() => run('aggregated', aggregate({ id: batch.id }))}>
                      {t('aggregate')}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </DataTable>
          {page.edges.length === 0 ? <p class="muted">{t('noMatch')}</p> : null}
          <Pager label={t('pages')} count={t('count', { count: page.totalCount })} cursors={cursors} setCursors={setCursors} pageInfo={page.pageInfo} previous={t('previous')} next={t('next')} />
        </>
      ) : null}
    </Section>
  );
}
