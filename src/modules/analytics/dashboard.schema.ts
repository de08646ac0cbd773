import { builder } from '../../graphql/builder.js';
import { MoneyAmount } from '../../graphql/money.schema.js';
import { Channel } from '../accounts/account.schema.js';
import { dashboardStats, type ChannelListings as ChannelListingsShape, type DashboardStats as DashboardStatsShape } from './dashboard.service.js';

const DashboardChannelListings = builder.objectRef<ChannelListingsShape>('DashboardChannelListings').implement({
  description: 'Listings of one channel.',
  fields: (t) => ({
    channel: t.field({ type: Channel, description: 'The channel.', resolve: (c) => c.channel }),
    listings: t.int({ description: 'Listings that are not DELISTED.', resolve: (c) => c.listings }),
    outOfStock: t.int({ description: 'Those of them with no stock.', resolve: (c) => c.outOfStock }),
  }),
});

const DashboardStats = builder.objectRef<DashboardStatsShape>('DashboardStats').implement({
  description:
    'System-wide figures as computed at computedAt: served from a stored snapshot, recomputed when older than 5 minutes and by the STATS_REFRESH schedule. Rates are fractions from 0 to 1.',
  fields: (t) => ({
    batchesTotal: t.int({ description: 'Batches, open and closed.', resolve: (s) => s.batchesTotal }),
    batchesActive: t.int({ description: 'Batches that are not closed.', resolve: (s) => s.batchesActive }),
    unitsTotal: t.int({ description: 'Units of every batch.', resolve: (s) => s.unitsTotal }),
    unitsAggregated: t.int({ description: 'Units that are aggregated.', resolve: (s) => s.unitsAggregated }),
    aggregationRate: t.float({
      nullable: true,
      description: 'unitsAggregated / unitsTotal, a fraction from 0 to 1 (0.25 = 25 %); null when there are no units.',
      resolve: (s) => s.aggregationRate,
    }),
    productsTotal: t.int({ description: 'Products, hidden ones included.', resolve: (s) => s.productsTotal }),
    listingsByChannel: t.field({ type: [DashboardChannelListings], description: 'Every channel, zeros included.', resolve: (s) => s.listingsByChannel }),
    outOfStock: t.int({
      description: 'Products none of whose listings that are not DELISTED has stock (the count of products(filter: { outOfStock: true })).',
      resolve: (s) => s.outOfStock,
    }),
    ordersToday: t.int({ description: 'Orders placed today (the UTC day of computedAt), any status.', resolve: (s) => s.ordersToday }),
    revenueToday: t.field({
      type: [MoneyAmount],
      description: 'Totals of those orders that are sales (not CANCELLED or RETURNED), one entry per currency (as orderStats).',
      resolve: (s) => s.revenueToday,
    }),
    syncSuccessRate: t.float({
      nullable: true,
      description:
        'Sync runs finished in the 24 hours up to computedAt: SUCCESS over all finished (SUCCESS, PARTIAL, FAILED, CANCELLED), a fraction from 0 to 1; null when none finished.',
      resolve: (s) => s.syncSuccessRate,
    }),
    syncRunsFinished: t.int({ description: 'Sync runs finished in those 24 hours (the denominator of syncSuccessRate).', resolve: (s) => s.syncRunsFinished }),
    computedAt: t.field({ type: 'DateTime', description: 'When these figures were computed.', resolve: (s) => s.computedAt }),
  }),
});

builder.queryFields((t) => ({
  dashboardStats: t.field({
    type: DashboardStats,
    authScopes: { viewer: true },
    description:
      'Dashboard figures, served from a snapshot at most 5 minutes old (computed now when missing or older). `refresh: true` asks for figures as of now, e.g. after a change the caller made or saw: they count everything committed before the request (callers asking at the same time share a computation).',
    args: {
      refresh: t.arg.boolean({ required: false, defaultValue: false, description: 'Figures computed after this request arrived, so they count every change committed before it. Default false: the stored snapshot while it is at most 5 minutes old.' }),
    },
    resolve: (_root, args, ctx) => dashboardStats(ctx, { asOfNow: args.refresh ?? false }),
  }),
}));
