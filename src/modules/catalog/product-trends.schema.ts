import { builder } from '../../graphql/builder.js';
import { MoneyAmount } from '../../graphql/money.schema.js';
import { runQuery } from '../../graphql/query-error.js';
import { rangeEndRule, timeRange } from '../../shared/date-range.js';
import { DEFAULT_TREND_DAYS, MAX_TREND_DAYS, productTrend } from './product-trends.service.js';

const ProductTrendDay = builder.simpleObject('ProductTrendDay', {
  description: 'What one product sold on one UTC day.',
  fields: (t) => ({
    date: t.field({ type: 'Date', description: 'The day (UTC).' }),
    unitsSold: t.int({ description: 'Units of it in the order lines of orders placed that day.' }),
    revenue: t.field({ type: [MoneyAmount], description: 'Quantity times unit price of its order lines, per currency; empty on a day without sales.' }),
  }),
});

const ProductTrend = builder.simpleObject('ProductTrend', {
  description: 'Units sold and revenue per day for one product (its order lines on every account: by offer id where a listing has it, else by SKU). CANCELLED and RETURNED orders do not count.',
  fields: (t) => ({
    productId: t.id({ description: 'The product.' }),
    sku: t.string({ description: 'Its SKU, which order lines are matched by.' }),
    from: t.field({ type: 'Date', description: 'First day covered (UTC).' }),
    to: t.field({ type: 'Date', description: 'Last day covered (UTC), included.' }),
    unitsSold: t.int({ description: 'Over the whole period.' }),
    revenue: t.field({ type: [MoneyAmount], description: 'Over the whole period, per currency.' }),
    days: t.field({ type: [ProductTrendDay], description: 'Every day of the period in order, days without sales included (zero).' }),
  }),
});

builder.queryFields((t) => ({
  productTrends: t.field({
    type: ProductTrend,
    nullable: true,
    authScopes: { viewer: true },
    description: `Units sold and revenue per day for one product; null when there is no such product. Days are UTC. Default period: the last ${DEFAULT_TREND_DAYS} days up to today; at most ${MAX_TREND_DAYS} days (BAD_USER_INPUT with reason RANGE_TOO_LONG otherwise).`,
    argRules: timeRange('from', 'to', 'day'),
    args: {
      productId: t.arg.id({ description: 'The product id.' }),
      from: t.arg({ type: 'Date', required: false, description: `First day. Default: ${DEFAULT_TREND_DAYS - 1} days before \`to\`.` }),
      to: t.arg({ type: 'Date', required: false, description: `Last day, included. Default: today (UTC). ${rangeEndRule('from')}` }),
    },
    resolve: (_root, args, ctx) =>
      runQuery(() => productTrend(ctx, String(args.productId), { from: args.from, to: args.to })),
  }),
}));
