import DataLoader from 'dataloader';
import { builder } from '../../graphql/builder.js';
import { SortDirection } from '../../graphql/common.schema.js';
import { isUuid } from '../../core/ids.js';
import { requestLoader } from '../../graphql/request-loader.js';
import type { Context } from '../../graphql/context.js';
import { Channel } from '../accounts/account.schema.js';
import { listingOrderBy, listingsOfProductWhere, productOrderBy, productSortFields, productWhere, type ProductSortField } from './catalog.filters.js';
import { totalStockOf } from './product-stock.js';

const totalStockLoader = (ctx: Context) =>
  requestLoader(ctx, 'product.totalStock', () => new DataLoader<string, number>((ids) => totalStockOf(ctx.prisma, ids)));

export const Product = builder.prismaObject('Product', {
  description: 'One sellable item, identified by its SKU across every account, with its listings on each marketplace account.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    sku: t.exposeString('sku', { description: 'Unique across the catalog; listings and order lines refer to the product by it.' }),
    name: t.exposeString('name', { description: 'Its name, as the listing a sync first found it under named it.' }),
    cost: t.field({
      type: 'Decimal',
      nullable: true,
      description: 'What one unit costs the seller; local only, never sent to a marketplace. Null until set.',
      resolve: (product) => product.cost?.toFixed(2) ?? null,
    }),
    hidden: t.exposeBoolean('hidden', { description: 'Hidden by a user from everyday views; local only. Lists include hidden products unless filtered.' }),
    totalStock: t.int({
      description: 'Units on sale: the stock of the listings that are not DELISTED, summed over all accounts.',
      resolve: (product, _args, ctx) => totalStockLoader(ctx).load(product.id),
    }),
    listingCount: t.relationCount('listings', { description: 'Listings of this product on any account, DELISTED ones included.' }),
    listings: t.relation('listings', {
      description: 'Its listings, by channel then account name, DELISTED ones included.',
      args: { accountId: t.arg.id({ required: false, description: 'Only the listing on this account.' }) },
      query: (args) => ({
        where: listingsOfProductWhere(args.accountId == null ? null : String(args.accountId)),
        orderBy: listingOrderBy,
      }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it entered the catalog (first seen by a sync).' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When its own fields last changed.' }),
  }),
});

export const ProductFilter = builder.inputType('ProductFilter', {
  description: 'Which products: every given condition must hold; fields left out do not filter.',
  fields: (t) => ({
    channel: t.field({ type: Channel, required: false, description: 'Products with a listing (any status) on an account of this channel.' }),
    accountId: t.id({ required: false, description: 'Products with a listing (any status) on this account.' }),
    search: t.string({ required: false, description: "Part of the SKU, the name or a listing's brand (any case), or a listing's exact barcode (EAN)." }),
    rejected: t.boolean({
      required: false,
      description:
        'true: products with a listing the marketplace refuses or hides (rejection reasons); false: with none. With channel or accountId only the listings there count: "rejected on eMAG" is { channel: EMAG, rejected: true }.',
    }),
    outOfStock: t.boolean({
      required: false,
      description:
        'true: no listing that is not DELISTED has stock; false: at least one has. With channel or accountId, only the listings there count.',
    }),
    hidden: t.boolean({ required: false, description: 'Left out: hidden and visible products alike.' }),
    changedSince: t.field({
      type: 'DateTime',
      required: false,
      description: 'Products that changed at or after this time: the product itself (cost, hidden, name) or one of its listings (price, stock, status, a sync\'s update). With channel or accountId, only the listings there count.',
    }),
  }),
});

const ProductSortField = builder.enumType('ProductSortField', {
  description: 'A product column to sort by. Products without a cost come last in both directions.',
  values: {
    SKU: { description: 'SKU, alphabetically (the default).' },
    NAME: { description: 'Name, alphabetically.' },
    COST: { description: 'Unit cost; products without one come last.' },
    CREATED_AT: { description: 'When it entered the catalog.' },
    UPDATED_AT: { description: 'When it last changed.' },
  } satisfies Record<ProductSortField, { description: string }>,
});
const ProductOrder = builder.inputType('ProductOrder', {
  description: 'How to sort products; ties are broken by id.',
  fields: (t) => ({
    field: t.field({ type: ProductSortField, description: 'The column to sort by.' }),
    direction: t.field({ type: SortDirection, required: false, defaultValue: 'ASC', description: 'Default ASC.' }),
  }),
});

type ProductFilterArg = Omit<NonNullable<Parameters<typeof productWhere>[0]>, 'accountId'> & { accountId?: string | number | null };
const whereOf = (filter: ProductFilterArg | null | undefined) =>
  productWhere(filter ? { ...filter, accountId: filter.accountId == null ? null : String(filter.accountId) } : null);

builder.queryFields((t) => ({
  products: t.prismaConnection({
    type: 'Product',
    cursor: 'id',
    authScopes: { viewer: true },
    description: 'The catalog, by SKU unless `orderBy` says otherwise; at most 100 per page.',
    args: {
      filter: t.arg({ type: ProductFilter, required: false, description: 'Default: every product, hidden ones included.' }),
      orderBy: t.arg({ type: ProductOrder, required: false, description: 'Default: by SKU, ascending.' }),
    },
    totalCount: (_c, args, ctx) => ctx.prisma.product.count({ where: whereOf(args.filter) }),
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.product.findMany({
        ...query,
        where: whereOf(args.filter),
        orderBy: productOrderBy(args.orderBy?.field, args.orderBy?.direction ?? 'ASC'),
      }),
  }),
  product: t.prismaField({
    type: 'Product',
    nullable: true,
    authScopes: { viewer: true },
    description: 'One product by id; null when there is none.',
    args: { id: t.arg.id({ description: 'The product id.' }) },
    resolve: (query, _root, { id }, ctx) => (isUuid(String(id)) ? ctx.prisma.product.findUnique({ ...query, where: { id: String(id) } }) : null),
  }),
}));
