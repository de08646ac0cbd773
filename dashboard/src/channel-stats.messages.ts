/** Words of the overview's inventory figures (channel-stats-panel.tsx). */
import { defineMessages } from './i18n';

export const channelStatsMessages = defineMessages('channel-stats', {
  title: 'Inventory by channel',
  computed: 'computed {time}',
  computedHint: 'A snapshot the server refreshes every 5 minutes; it is recomputed at once after a change you made.',
  refresh: 'Refresh statistics',
  refreshing: 'Refreshing…',
  channel: 'Channel',
  accounts: 'Accounts',
  listings: 'Listings',
  active: 'Active',
  outOfStock: 'Out of stock',
  stockUnits: 'Stock units',
  orders: 'Orders (30 d)',
  revenue: 'Revenue (30 d)',
});
