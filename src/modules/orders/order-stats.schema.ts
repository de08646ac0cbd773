import { builder } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context.js';
import type { Channel as ChannelValue, OrderStatus as OrderStatusValue } from '../../generated/prisma/client.js';
import { MoneyAmount } from '../../graphql/money.schema.js';
import { rangeEndRule, timeRange } from '../../shared/date-range.js';
import { runQuery } from '../../graphql/query-error.js';
import { Channel } from '../accounts/account.schema.js';
import { OrderStatus } from './order.schema.js';
import {
  DEFAULT_STATS_DAYS,
  MAX_STATS_DAYS_BY_DAY,
  orderStatsByDay,
  orderStatsScope,
  orderStatsSummary,
  type OrderGroup,
  type OrderStatsScope,
  type OrderStatsSummary,
} from './order-stats.service.js';

/** The period and scope asked for, and the one grouped query behind every summary field (run once, on first use). */
interface OrderStatsParent {
  scope: OrderStatsScope;
  summary: () => Promise<OrderStatsSummary>;
  ctx: Context;
}

const REVENUE = 'Sum of the totals of the orders that are sales (not CANCELLED or RETURNED), one entry per currency.';
const TOTAL = 'Sum of the totals of all these orders, CANCELLED and RETURNED included, one entry per currency.';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** The count and money fields every group (status, channel, day) has. */
const groupFields = <K>(t: PothosSchemaTypes.ObjectFieldBuilder<Types, OrderGroup<K>>) => ({
  count: t.exposeInt('count', { description: 'Orders, any status.' }),
  revenue: t.field({ type: [MoneyAmount], description: REVENUE, resolve: (g) => g.revenue }),
  total: t.field({ type: [MoneyAmount], description: TOTAL, resolve: (g) => g.total }),
});

const OrderStatusStats = builder.objectRef<OrderGroup<OrderStatusValue>>('OrderStatusStats').implement({
  description: 'Orders of one status in the period. `revenue` is empty for CANCELLED and RETURNED; `total` has their value.',
  fields: (t) => ({ status: t.field({ type: OrderStatus, description: 'The status.', resolve: (g) => g.key }), ...groupFields(t) }),
});
const OrderChannelStats = builder.objectRef<OrderGroup<ChannelValue>>('OrderChannelStats').implement({
  description: 'Orders on one channel in the period.',
  fields: (t) => ({ channel: t.field({ type: Channel, description: 'The channel.', resolve: (g) => g.key }), ...groupFields(t) }),
});
const OrderDayStats = builder.objectRef<OrderGroup<string>>('OrderDayStats').implement({
  description: 'Orders placed on one UTC day.',
  fields: (t) => ({ date: t.field({ type: 'Date', description: 'The day (UTC).', resolve: (g) => g.key }), ...groupFields(t) }),
});

const OrderStats = builder.objectRef<OrderStatsParent>('OrderStats').implement({
  description: 'Orders placed in a period, counted and summed in the database. Money is never summed across currencies.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', description: 'Start of the period, included.', resolve: (p) => p.scope.from }),
    to: t.field({ type: 'DateTime', description: 'End of the period, excluded.', resolve: (p) => p.scope.to }),
    channel: t.field({ type: Channel, nullable: true, description: 'The channel the stats are limited to, if any.', resolve: (p) => p.scope.channel }),
    accountId: t.id({ nullable: true, description: 'The account the stats are limited to, if any.', resolve: (p) => p.scope.accountId }),
    count: t.int({ description: 'Orders placed in the period, any status.', resolve: async (p) => (await p.summary()).count }),
    revenue: t.field({ type: [MoneyAmount], description: REVENUE, resolve: async (p) => (await p.summary()).revenue }),
    total: t.field({ type: [MoneyAmount], description: TOTAL, resolve: async (p) => (await p.summary()).total }),
    byStatus: t.field({
      type: [OrderStatusStats],
      description: 'Per status that has orders in the period, in status order.',
      resolve: async (p) => (await p.summary()).byStatus,
    }),
    byChannel: t.field({
      type: [OrderChannelStats],
      description: 'Per channel that has orders in the period.',
      resolve: async (p) => (await p.summary()).byChannel,
    }),
    byDay: t.field({
      type: [OrderDayStats],
      description: `Per UTC day of the period, days without orders included (zero). At most ${MAX_STATS_DAYS_BY_DAY} days (BAD_USER_INPUT otherwise).`,
      resolve: (p) => runQuery(() => orderStatsByDay(p.ctx, p.scope)),
    }),
  }),
});

builder.queryFields((t) => ({
  orderStats: t.field({
    type: OrderStats,
    authScopes: { viewer: true },
    description: `Order counts and revenue over a period (default: the last ${DEFAULT_STATS_DAYS} days up to now), optionally on one channel or account.`,
    argRules: timeRange('from', 'to'),
    args: {
      from: t.arg({ type: 'DateTime', required: false, description: `Start, included. Default: ${DEFAULT_STATS_DAYS} days before \`to\`.` }),
      to: t.arg({ type: 'DateTime', required: false, description: `End, excluded. Default: now. ${rangeEndRule('from')}` }),
      channel: t.arg({ type: Channel, required: false, description: 'Only orders of accounts of this channel.' }),
      accountId: t.arg.id({ required: false, description: 'Only orders of this account.' }),
    },
    resolve: (_root, args, ctx) =>
      runQuery(async () => {
        const scope = orderStatsScope({ ...args, accountId: args.accountId == null ? null : String(args.accountId) });
        let summary: Promise<OrderStatsSummary> | undefined;
        return { scope, ctx, summary: () => (summary ??= orderStatsSummary(ctx, scope)) };
      }),
  }),
}));
