/** Inventory and order figures per channel (channelStatistics, a snapshot refreshed on schedule). */
import { gql } from '@urql/core';
import { useClient, useQuery } from '@urql/preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { canOperate } from './auth';
import { DataTable, ErrorMessage, Section } from './components';
import { formatMoney, formatTime } from './format';
import { useViewer } from './session';

interface ChannelStatsData {
  channelStatistics: {
    computedAt: string;
    channels: { channel: string; accounts: number; listings: number; activeListings: number; outOfStock: number; stockUnits: number; orders: number; revenue: { amount: string; currency: string }[] }[];
  };
}

const CHANNEL_STATS = gql<ChannelStatsData, { refresh: boolean }>(`query DashboardChannelStats($refresh: Boolean) { channelStatistics(refresh: $refresh) { computedAt channels { channel accounts listings activeListings outOfStock stockUnits orders revenue { amount currency } } } }`);

export function ChannelStatsPanel({ finishedRuns }: { finishedRuns: number }) {
  const operator = canOperate(useViewer().role);
  const client = useClient();
  const [result, refetch] = useQuery({ query: CHANNEL_STATS, variables: { refresh: false } });
  const [refreshing, setRefreshing] = useState(false);
  const [refreshError, setRefreshError] = useState<string | null>(null);

  // The figures are a snapshot: an operator's view recomputes it (refresh, OPERATOR only), others
  // read the stored one again.
  const refresh = useCallback(async () => {
    if (operator) {
      setRefreshing(true);
      const answer = await client.query(CHANNEL_STATS, { refresh: true }, { requestPolicy: 'network-only' }).toPromise();
      setRefreshing(false);
      setRefreshError(answer.error ? answer.error.message : null);
    }
    refetch({ requestPolicy: 'network-only' });
  }, [client, operator, refetch]);
  // A finished sync changes the figures.
  useEffect(() => {
    if (finishedRuns > 0) void refresh();
  }, [finishedRuns, refresh]);

  const stats = result.data?.channelStatistics;
  const actions = (
    <span class="muted small">
      {stats ? `computed ${formatTime(stats.computedAt)} ` : ''}
      {operator ? (
        <button type="button" class="secondary" disabled={refreshing} onClick={() => void refresh()}>
          {refreshing ? 'Refreshing…' : 'Refresh statistics'}
        </button>
      ) : null}
    </span>
  );
  return (
    <Section title="Inventory by channel" actions={actions}>
      <ErrorMessage error={result.error ?? refreshError} />
      {stats ? (
        <DataTable columns={['Channel', 'Accounts', 'Listings', 'Active', 'Out of stock', 'Stock units', 'Orders (30 d)', 'Revenue (30 d)']}>
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
