import DataLoader from 'dataloader';
import { builder } from '../../graphql/builder.js';
import { SortDirection } from '../../graphql/common.schema.js';
import type { Context } from '../../graphql/context.js';
import { isUuid } from '../../core/ids.js';
import { requestLoader } from '../../graphql/request-loader.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { Channel } from '../accounts/account.schema.js';
import { orderFilterRules, orderOrderBy, orderSortFields, orderWhere, type OrderSortField } from './order.filters.js';
import { filterRules } from '../../graphql/arg-rules.plugin.js';
import { rangeEndRule } from '../../shared/date-range.js';

export const OrderStatus = builder.enumType('OrderStatus', {
  description: "Where an order stands, in Stockline's terms (each marketplace's own statuses are mapped to these).",
  values: {
    NEW: { description: 'Placed, not yet handled.' },
    PROCESSING: { description: 'Being prepared.' },
    SHIPPED: { description: 'Handed to the carrier.' },
    DELIVERED: { description: 'Received by the customer.' },
    CANCELLED: { description: 'Cancelled before delivery; not counted as a sale.' },
    RETURNED: { description: 'Sent back by the customer; not counted as a sale.' },
  } as const,
});

const OrderCustomer = builder.simpleObject('OrderCustomer', {
  description: 'The buyer as the marketplace reports them; a marketplace may leave any of these out.',
  fields: (t) => ({
    name: t.string({ nullable: true, description: 'Their name; null when not reported.' }),
    email: t.string({ nullable: true, description: 'Their e-mail address; null when not reported.' }),
    phone: t.string({ nullable: true, description: 'Their phone number, as the marketplace gives it; null when not reported.' }),
  }),
});

type ProductQuery = { include?: Prisma.ProductInclude; select?: Prisma.ProductSelect };
type LineKey = { accountId: string; externalProductId: string; sku: string };

/**
 * The product of every order line of the request: the listing of the line's account with the
 * line's offer id names it (a line's SKU may be the seller's own code, as eMAG's ext_part_number
 * is); without such a listing, the product with the line's SKU. One statement for the listings and
 * one for the products per distinct selection: the Pothos `query` is the same for every line of a
 * list, so a page of orders shares one loader.
 */
const productOfLine = (ctx: Context, query: ProductQuery) =>
  requestLoader(ctx, `orderItem.product:${JSON.stringify(query)}`, () =>
    new DataLoader<LineKey, unknown, string>(
      async (lines) => {
        const listings = await ctx.prisma.listing.findMany({
          where: { OR: lines.map((l) => ({ accountId: l.accountId, externalId: l.externalProductId })) },
          select: { accountId: true, externalId: true, productId: true },
        });
        const byOffer = new Map(listings.map((l) => [`${l.accountId}\u0000${l.externalId}`, l.productId]));
        const args = query.select ? { select: { ...query.select, id: true, sku: true } } : query;
        const products = (await ctx.prisma.product.findMany({
          ...args,
          where: { OR: [{ id: { in: [...new Set(byOffer.values())] } }, { sku: { in: [...new Set(lines.map((l) => l.sku))] } }] },
        })) as { id: string; sku: string }[];
        const byId = new Map(products.map((p) => [p.id, p]));
        const bySku = new Map(products.map((p) => [p.sku, p]));
        return lines.map((l) => {
          const productId = byOffer.get(`${l.accountId}\u0000${l.externalProductId}`);
          return (productId ? byId.get(productId) : undefined) ?? bySku.get(l.sku) ?? null;
        });
      },
      { cacheKeyFn: (l) => `${l.accountId}\u0000${l.externalProductId}\u0000${l.sku}` },
    ),
  );

export const OrderItem = builder.prismaObject('OrderItem', {
  description: 'One line of an order.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    position: t.exposeInt('position', { description: 'Line number within the order, from the marketplace\'s order of lines.' }),
    sku: t.exposeString('sku', { description: 'The SKU ordered; the catalog product is found by it.' }),
    externalProductId: t.exposeString('externalProductId', { description: 'The product or offer id on the marketplace.' }),
    name: t.exposeString('name', { nullable: true, description: 'The title on the order, when the marketplace sends one.' }),
    quantity: t.exposeInt('quantity', { description: 'Units ordered.' }),
    price: t.field({ type: 'Decimal', description: 'Unit price, in the order\'s currency.', resolve: (item) => item.price.toFixed(2) }),
    lineTotal: t.field({
      type: 'Decimal',
      description: 'price × quantity, exact.',
      select: { price: true, quantity: true },
      resolve: (item) => item.price.mul(item.quantity).toFixed(2),
    }),
    product: t.prismaField({
      type: 'Product',
      nullable: true,
      description:
        "The catalog product of this line: the one the account's listing with this externalProductId belongs to, else the one with this SKU; null when neither exists.",
      select: { sku: true, externalProductId: true, order: { select: { accountId: true } } },
      resolve: (query, item, _args, ctx) =>
        productOfLine(ctx, query as ProductQuery).load({ accountId: item.order.accountId, externalProductId: item.externalProductId, sku: item.sku }) as never,
    }),
  }),
});

export const Order = builder.prismaObject('Order', {
  description:
    'An order on one marketplace account. `status` is the value Stockline holds (a user\'s change included); `remoteOrderStatus` and `remoteStatus` are what the marketplace reported last.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    account: t.relation('account', { description: 'The marketplace account it was placed on.' }),
    channel: t.field({
      type: Channel,
      description: 'The channel of its account.',
      select: { account: { select: { channel: true } } },
      resolve: (order) => order.account.channel,
    }),
    externalId: t.exposeString('externalId', { description: 'The order\'s id on the marketplace; unique per account.' }),
    status: t.expose('status', { type: OrderStatus, description: 'The status Stockline holds (a user\'s change included).' }),
    remoteOrderStatus: t.expose('remoteOrderStatus', { type: OrderStatus, description: 'The marketplace\'s status, mapped to ours, as last reported.' }),
    remoteStatus: t.exposeString('remoteStatus', { description: 'The marketplace\'s own status value, for display and debugging.' }),
    statusEditedAt: t.expose('statusEditedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Set while a user\'s status change stands against the marketplace\'s status; null otherwise.',
    }),
    customer: t.field({
      type: OrderCustomer,
      description: 'The buyer, as far as the marketplace reports them.',
      select: { customerName: true, customerEmail: true, customerPhone: true },
      resolve: (order) => ({ name: order.customerName, email: order.customerEmail, phone: order.customerPhone }),
    }),
    total: t.field({ type: 'Decimal', description: 'What the customer pays, in `currency`.', resolve: (order) => order.total.toFixed(2) }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code of total and the line prices.' }),
    placedAt: t.expose('placedAt', { type: 'DateTime', description: 'When the customer placed it, per the marketplace.' }),
    remoteUpdatedAt: t.expose('remoteUpdatedAt', { type: 'DateTime', nullable: true, description: 'When the marketplace says the order last changed, if it says.' }),
    fulfilledByMarketplace: t.exposeBoolean('fulfilledByMarketplace', {
      description:
        "True when the marketplace ships it from its own warehouse (an Ozon FBO posting, a Wildberries FBW order): it is tracked but reserves nothing from the seller's stock. False for the seller's own shipments (eMAG, Ozon FBS, Wildberries FBS, the storefront), which reserve.",
    }),
    items: t.relation('items', { description: 'Its lines, in order.', query: { orderBy: [{ position: 'asc' }] } }),
    itemCount: t.relationCount('items', { description: 'Number of lines (not units).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When a sync first stored it.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When any of its fields last changed in Stockline.' }),
  }),
});

export const OrderFilter = builder.inputType('OrderFilter', {
  description: 'Which orders: every given condition must hold; fields left out do not filter.',
  fields: (t) => ({
    channel: t.field({ type: Channel, required: false, description: 'Only orders of accounts of this channel.' }),
    accountId: t.id({ required: false, description: 'Only orders of this account.' }),
    status: t.field({ type: [OrderStatus], required: false, description: 'Any of these statuses; empty or left out: all.' }),
    placedFrom: t.field({ type: 'DateTime', required: false, description: 'Placed at or after (inclusive).' }),
    placedTo: t.field({ type: 'DateTime', required: false, description: `Placed before (exclusive). ${rangeEndRule('placedFrom')}` }),
    search: t.string({ required: false, description: 'Part of the marketplace\'s order id (externalId), any case.' }),
  }),
});

const OrderSortField = builder.enumType('OrderSortField', {
  description: 'An order column to sort by; ties are broken by id.',
  values: {
    PLACED_AT: { description: 'When it was placed.' },
    TOTAL: { description: 'Its total, as a number (currencies are not converted).' },
    STATUS: { description: 'Its status, in the order the statuses are listed (NEW first).' },
  } satisfies Record<OrderSortField, { description: string }>,
});
const OrderOrder = builder.inputType('OrderOrder', {
  description: 'How to sort orders.',
  fields: (t) => ({
    field: t.field({ type: OrderSortField, description: 'The column to sort by.' }),
    direction: t.field({ type: SortDirection, required: false, defaultValue: 'ASC', description: 'Default ASC.' }),
  }),
});

const OrderTotal = builder.simpleObject('OrderTotal', {
  description: 'The orders of one currency in a filtered set: how many, and their totals added up.',
  fields: (t) => ({
    currency: t.string({ description: 'ISO 4217 code.' }),
    amount: t.field({ type: 'Decimal', description: 'The sum of their totals, exact, as "1234.50".' }),
    count: t.int({ description: 'How many orders.' }),
  }),
});

type OrderFilterArg = Omit<NonNullable<Parameters<typeof orderWhere>[0]>, 'accountId'> & { accountId?: string | number | null };
const whereOf = (filter: OrderFilterArg | null | undefined) =>
  orderWhere(filter ? { ...filter, accountId: filter.accountId == null ? null : String(filter.accountId) } : null);

builder.queryFields((t) => ({
  orders: t.prismaConnection({
    type: 'Order',
    cursor: 'id',
    authScopes: { viewer: true },
    argRules: filterRules(orderFilterRules),
    description: 'Orders, newest first unless `orderBy` says otherwise; at most 100 per page.',
    args: {
      filter: t.arg({ type: OrderFilter, required: false, description: 'Default: every order.' }),
      orderBy: t.arg({ type: OrderOrder, required: false, description: 'Default: newest placed first.' }),
    },
    totalCount: (_c, args, ctx) => ctx.prisma.order.count({ where: whereOf(args.filter) }),
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.order.findMany({
        ...query,
        where: whereOf(args.filter),
        orderBy: args.orderBy ? orderOrderBy(args.orderBy.field, args.orderBy.direction ?? 'ASC') : orderOrderBy(),
      }),
  }),
  orderTotals: t.field({
    type: [OrderTotal],
    authScopes: { viewer: true },
    argRules: filterRules(orderFilterRules),
    description: 'Totals of the orders `orders` lists with the same filter (every page together), per currency, currencies apart and sorted by code; empty when none matches. Every status counts, cancelled and returned too: filter by status for sales only.',
    args: { filter: t.arg({ type: OrderFilter, required: false, description: 'Default: every order.' }) },
    resolve: async (_root, args, ctx) => {
      const groups = await ctx.prisma.order.groupBy({ by: ['currency'], where: whereOf(args.filter), _sum: { total: true }, _count: { _all: true }, orderBy: { currency: 'asc' } });
      return groups.map((g) => ({ currency: g.currency, amount: (g._sum.total ?? 0).toFixed(2), count: g._count._all }));
    },
  }),
  order: t.prismaField({
    type: 'Order',
    nullable: true,
    authScopes: { viewer: true },
    description: 'One order by id; null when there is none.',
    args: { id: t.arg.id({ description: 'The order id.' }) },
    resolve: (query, _root, { id }, ctx) => (isUuid(String(id)) ? ctx.prisma.order.findUnique({ ...query, where: { id: String(id) } }) : null),
  }),
}));
