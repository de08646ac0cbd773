import { GraphQLError } from 'graphql';
import { builder } from '../../graphql/builder.js';
import { MoneyAmount } from '../../graphql/money.schema.js';
import { roleAtLeast } from '../access/roles.js';
import { Channel } from '../accounts/account.schema.js';
import { CHANNEL_STATS_ORDER_DAYS, channelStatistics, type ChannelStatistics as ChannelStatisticsShape, type ChannelStats as ChannelStatsShape } from './channel-stats.service.js';

const ChannelStats = builder.objectRef<ChannelStatsShape>('ChannelStats').implement({
  description: 'Stock and order figures of one channel.',
  fields: (t) => ({
    channel: t.field({ type: Channel, description: 'The channel.', resolve: (c) => c.channel }),
    accounts: t.int({ description: 'Accounts on the channel, enabled or not.', resolve: (c) => c.accounts }),
    listings: t.int({ description: 'Listings that are not DELISTED.', resolve: (c) => c.listings }),
    activeListings: t.int({ description: 'Listings with status ACTIVE.', resolve: (c) => c.activeListings }),
    outOfStock: t.int({ description: 'Listings that are not DELISTED and have no stock.', resolve: (c) => c.outOfStock }),
    stockUnits: t.int({ description: 'Stock of the listings that are not DELISTED, summed.', resolve: (c) => c.stockUnits }),
    orders: t.int({ description: `Orders placed in the ${CHANNEL_STATS_ORDER_DAYS} days up to computedAt, any status.`, resolve: (c) => c.orders }),
    revenue: t.field({
      type: [MoneyAmount],
      description: 'Totals of those orders that are sales (not CANCELLED or RETURNED), one entry per currency (as orderStats).',
      resolve: (c) => c.revenue,
    }),
  }),
});

const ChannelStatistics = builder.objectRef<ChannelStatisticsShape>('ChannelStatistics').implement({
  description: 'Per-channel figures as computed at computedAt (refreshed by the STATS_REFRESH scheduled task).',
  fields: (t) => ({
    computedAt: t.field({ type: 'DateTime', description: 'When these figures were computed.', resolve: (s) => s.computedAt }),
    ordersFrom: t.field({ type: 'DateTime', description: 'Start of the order period (it ends at computedAt).', resolve: (s) => s.ordersFrom }),
    channels: t.field({ type: [ChannelStats], description: 'Every channel, zeros included.', resolve: (s) => s.channels }),
  }),
});

builder.queryFields((t) => ({
  channelStatistics: t.field({
    type: ChannelStatistics,
    authScopes: { viewer: true },
    description:
      'Listings, stock, orders and revenue per channel, served from a stored snapshot (computed on first use, refreshed on schedule). `refresh: true` recomputes it now (OPERATOR).',
    args: { refresh: t.arg.boolean({ required: false, defaultValue: false, description: 'Recompute now instead of serving the stored snapshot; needs OPERATOR or ADMIN (FORBIDDEN otherwise). Default false.' }) },
    resolve: (_root, args, ctx) => {
      if (args.refresh && !roleAtLeast(ctx.actor?.role, 'OPERATOR')) {
        throw new GraphQLError(`Forbidden: your token's role (${ctx.actor?.role}) may not refresh channelStatistics (OPERATOR)`, {
          extensions: { code: 'FORBIDDEN', http: { status: 403 } },
        });
      }
      return channelStatistics(ctx, { refresh: args.refresh ?? false });
    },
  }),
}));
