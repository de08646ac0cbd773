/**
 * Inventory and order figures per channel (channelStatistics, a snapshot refreshed on schedule):
 * the stored snapshot is read again after runs finish; the operator's button recomputes it, and so
 * does showing a snapshot older than a change the user made (user-changes.ts), so an operator never
 * reads figures that predate their own edit.
 */
import { useClient, useQuery } from '@urql/preact';
import { CHANNEL_STATS } from './operations';
import { useEffect, useState } from 'preact/hooks';
import { canOperate } from './auth';
import { DataTable, ErrorMessage, Section } from './components';
import { useOnReconnect } from './connection';
import { formatMoney, formatTime } from './format';
import { useCoalesced } from './hooks';
import { useViewer } from './session';
import { channelStatsMessages } from './channel-stats.messages';
import { useT } from './i18n';
import { predatesUserChange } from './user-changes';

export interface ChannelStatsData {
  channelStatistics: {
    computedAt: string;
    channels: { channel: string; accounts: number; listings: number; activeListings: number; outOfStock: number; stockUnits: number; orders: number; revenue: { amount: string; currency: string }[] }[];
  };
}


/** Runs finishing within this time cost one read of the snapshot. */
const REFETCH_AFTER_MS = 2_000;

export function ChannelStatsPanel({ finishedRuns }: { finishedRuns: number }) {
  const t = useT(channelStatsMessages);
  const operator = canOperate(useViewer().role);
  const client = useClient();
  const [result, refetch] = useQuery({ query: CHANNEL_STATS, variables: { refresh: false } });
  const [refreshing, setRefreshing] = useState(false);
  const [refreshError, setRefreshError] = useState<string | null>(null);

  // The figures are a snapshot the server refreshes on schedule. A finished sync only reads the
  // stored one again (recomputing it is a full aggregate, and every open tab would ask for one
  // per run); recomputing is the operator's explicit "Refresh statistics".
  const reread = () => refetch({ requestPolicy: 'network-only' });
  useCoalesced(finishedRuns, REFETCH_AFTER_MS, reread);
  useOnReconnect(reread);
  const refresh = async () => {
    setRefreshing(true);
    const answer = await client.query(CHANNEL_STATS, { refresh: true }, { requestPolicy: 'network-only' }).toPromise();
    setRefreshing(false);
    setRefreshError(answer.error ? answer.error.message : null);
    reread();
  };

  const stats = result.data?.channelStatistics;
  // A snapshot from before the user's own change is recomputed (OPERATOR: only they make changes).
  useEffect(() => {
    if (operator && stats && !refreshing && predatesUserChange(stats.computedAt)) void refresh();
  }, [stats?.computedAt]);
  const actions = (
    <span class="muted small">
      {stats ? (
        <span data-computed-at={stats.computedAt} title={t('computedHint')}>
          {t('computed', { time: formatTime(stats.computedAt) })}{' '}
        </span>
      ) : null}
      {operator ? (
        <button type="button" class="secondary" disabled={refreshing} onClick={() => void refresh()}>
          {refreshing ? t('refreshing') : t('refresh')}
        </button>
      ) : null}
    </span>
  );
  return (
    <Section title={t('title')} actions={actions}>
      <ErrorMessage error={result.error ?? refreshError} />
      {stats ? (
        <DataTable columns={[t('channel'), t('accounts'), t('listings'), t('active'), t('outOfStock'), t('stockUnits'), t('orders'), t('revenue')]}>
          {stats.channels.map((c) => (
            <tr key={c.channel}>
              <th scope="row">{c.channel}</th>
              <td>{c.accounts}</td>
              <td>{c.listings}</td>
              <td>{c.activeListings}</td>
              <td>{c.outOfStock}</td>
              <td>{c.stockUnits}</td>
              <td>{c.orders}</td>
              <td>{formatMoney(c.revenue)}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </Section>
  );
}
