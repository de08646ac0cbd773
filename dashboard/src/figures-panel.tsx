/**
 * The production figures (dashboardStats). The server keeps them as a snapshot refreshed every
 * 5 minutes, which once said "Batches 0" above a table of 2 batches: this panel asks for figures
 * as of now (`refresh: true`: counting every change committed before the request), when it
 * opens and again after every batch change (the user's own included), and says when they were
 * computed, so nothing on the page contradicts the table below it.
 */
import { useQuery } from '@urql/preact';
import { ErrorMessage, Section } from './components';
import { useOnReconnect } from './connection';
import { formatMoney, formatPercent, formatTime } from './format';
import { figuresMessages } from './figures.messages';
import { useCoalesced } from './hooks';
import { Fact } from './fact';
import { useT } from './i18n';
import { STATS } from './operations';

/** Batch events within this time (an import, a batch aggregated unit by unit) cost one read. */
const REFETCH_AFTER_MS = 1_000;

export function FiguresPanel({ batchEvents }: { batchEvents: number }) {
  const t = useT(figuresMessages);
  const [result, refetch] = useQuery({ query: STATS, variables: { refresh: true }, requestPolicy: 'network-only' });
  const reread = () => refetch({ requestPolicy: 'network-only' });
  useCoalesced(batchEvents, REFETCH_AFTER_MS, reread);
  useOnReconnect(reread);
  const s = result.data?.dashboardStats;
  const computed = s ? (
    <span class="muted small" data-computed-at={s.computedAt} title={t('computedHint')}>
      {t('computed', { time: formatTime(s.computedAt) })}
      {result.fetching ? ` · ${t('refreshing')}` : ''}
    </span>
  ) : null;
  return (
    <Section title={t('title')} actions={computed}>
      <ErrorMessage error={result.error} />
      {s ? (
        <dl class="stats">
          <Fact label={t('batches')} value={t('batchesValue', { total: s.batchesTotal, open: s.batchesActive })} />
          <Fact label={t('units')} value={t('unitsValue', { aggregated: s.unitsAggregated, total: s.unitsTotal, rate: formatPercent(s.aggregationRate) })} />
          <Fact label={t('products')} value={t('productsValue', { total: s.productsTotal, out: s.outOfStock })} />
          <Fact label={t('orders')} value={`${s.ordersToday}${s.revenueToday.length ? ` · ${formatMoney(s.revenueToday)}` : ''}`} />
          <Fact label={t('sync')} value={t('syncValue', { rate: formatPercent(s.syncSuccessRate), count: s.syncRunsFinished })} />
        </dl>
      ) : null}
    </Section>
  );
}
