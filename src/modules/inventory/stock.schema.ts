import DataLoader from 'dataloader';
import type { Prisma, StockBalance as BalanceRow, StockLocation as LocationRow } from '../../generated/prisma/client.js';
import { filterRules } from '../../graphql/arg-rules.plugin.js';
import { rangeEndRule, timeRange } from '../../shared/date-range.js';
import { builder } from '../../graphql/builder.js';
import { isUuid } from '../../core/ids.js';
import { requestLoader } from '../../graphql/request-loader.js';
import type { Context } from '../../graphql/context.js';
import { stockLevels, type StockLevel } from './stock-levels.js';

const NO_ROW = '00000000-0000-0000-0000-000000000000';
const idOrNone = (id: string | number | null | undefined) => (id == null ? undefined : isUuid(String(id)) ? String(id) : NO_ROW);

export const StockLocationKind = builder.enumType('StockLocationKind', {
  description: 'Whose stock a location holds.',
  values: {
    OWN: { description: "The seller's own warehouse: its stock is the pool every channel sells from." },
    MARKETPLACE: { description: 'A marketplace warehouse (eMAG FBE, Ozon FBO, Wildberries FBW): tracked, never pooled.' },
  } as const,
});

export const StockLocation = builder.prismaObject('StockLocation', {
  description: 'A place stock is kept. OWN locations make up the pool; MARKETPLACE ones are tracked apart. The main warehouse (code MAIN) is made on first use.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    code: t.exposeString('code', { description: 'Short unique code, e.g. MAIN.' }),
    name: t.exposeString('name', { description: 'Its name for people.' }),
    kind: t.expose('kind', { type: StockLocationKind, description: 'OWN (pooled) or MARKETPLACE (tracked only).' }),
    account: t.relation('account', { nullable: true, description: 'The account whose marketplace holds it (MARKETPLACE only).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was made.' }),
  }),
});

export const StockMovementReason = builder.enumType('StockMovementReason', {
  description: 'Why stock moved.',
  values: {
    PRODUCTION: { description: 'A batch was closed (units in) or reopened (units taken back).' },
    RESERVE: { description: 'An open order line reserved units (reserved up, on hand unchanged).' },
    SALE: { description: 'An order line shipped: its units left (on hand and reserved down).' },
    RELEASE: { description: 'An order line was cancelled or returned: its reservation released, or its shipped units back on hand.' },
    ADJUSTMENT: { description: 'A person added or removed units.' },
    COUNT: { description: 'A stock count: the difference between what was counted and what the ledger had.' },
    TRANSFER: { description: 'Units moved between two locations (one movement out, one in).' },
  } as const,
});

export const StockCauseType = builder.enumType('StockCauseType', {
  description: 'What caused a movement; causeId names it.',
  values: {
    BATCH: { description: 'A production batch; causeId is its id.' },
    ORDER_LINE: { description: 'An order line; causeId is the order id, causePosition the line.' },
    USER: { description: 'A person; causeId is their token name.' },
  } as const,
});

export const StockMovement = builder.prismaObject('StockMovement', {
  description: 'One change of a product\'s stock at a location. The ledger is append-only: a correction is another movement.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    product: t.relation('product', { description: 'The product that moved.' }),
    location: t.relation('location', { description: 'Where.' }),
    reason: t.expose('reason', { type: StockMovementReason, description: 'Why.' }),
    quantity: t.exposeInt('quantity', { description: 'Change of on hand: positive in, negative out (0 for a reservation).' }),
    reservedChange: t.exposeInt('reservedChange', { description: 'Change of reserved: positive when an order reserves, negative when it ships or is released.' }),
    onHandAfter: t.exposeInt('onHandAfter', { description: 'On hand at the location right after this movement.' }),
    reservedAfter: t.exposeInt('reservedAfter', { description: 'Reserved at the location right after this movement.' }),
    causeType: t.expose('causeType', { type: StockCauseType, description: 'What caused it.' }),
    causeId: t.exposeString('causeId', { description: 'The batch id, the order id, or the token name, per causeType.' }),
    causePosition: t.exposeInt('causePosition', { nullable: true, description: 'The order line position (ORDER_LINE only).' }),
    actor: t.exposeString('actor', { description: 'Token name of who did it, or "sync" for a marketplace order.' }),
    note: t.exposeString('note', { nullable: true, description: 'A note: the batch or order number, or what a person wrote.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was posted.' }),
  }),
});

type LocationBalance = BalanceRow & { location: LocationRow };

const StockAtLocation = builder.objectRef<LocationBalance>('StockAtLocation').implement({
  description: 'A product\'s stock at one location.',
  fields: (t) => ({
    location: t.field({ type: StockLocation, description: 'The location.', resolve: (b) => b.location }),
    onHand: t.exposeInt('onHand', { description: 'Units there.' }),
    reserved: t.exposeInt('reserved', { description: 'Units there held by open orders.' }),
  }),
});

const balancesLoader = (ctx: Context) =>
  requestLoader(ctx, 'product.stockByLocation', () =>
    new DataLoader<string, LocationBalance[]>(async (ids) => {
      const rows = await ctx.prisma.stockBalance.findMany({ where: { productId: { in: [...ids] } }, include: { location: true }, orderBy: [{ location: { code: 'asc' } }] });
      return ids.map((id) => rows.filter((r) => r.productId === id));
    }),
  );

const ProductStock = builder.objectRef<StockLevel>('ProductStock').implement({
  description: 'A product\'s pool: its own locations summed (marketplace-held stock is listed by location, not counted). available = onHand − reserved − safetyBuffer.',
  fields: (t) => ({
    onHand: t.exposeInt('onHand', { description: 'Units in own locations.' }),
    reserved: t.exposeInt('reserved', { description: 'Units held by open orders (not yet shipped) from any channel.' }),
    safetyBuffer: t.exposeInt('safetyBuffer', { description: 'Units kept back from every channel.' }),
    zeroStockThreshold: t.exposeInt('zeroStockThreshold', { description: 'At or below this available, every allocated listing is pushed 0.' }),
    available: t.exposeInt('available', { description: 'onHand − reserved − safetyBuffer, never below 0: what allocation shares among the channels.' }),
    oversold: t.exposeInt('oversold', { description: 'Units reserved beyond on hand (an OVERSELL alert is active while above 0).' }),
    byLocation: t.field({
      type: [StockAtLocation],
      description: 'On hand and reserved per location, own and marketplace, by location code.',
      resolve: (level, _args, ctx) => balancesLoader(ctx).load(level.productId),
    }),
  }),
});

const stockLoader = (ctx: Context) =>
  requestLoader(ctx, 'product.stock', () => new DataLoader<string, StockLevel>(async (ids) => {
    const levels = await stockLevels(ctx.prisma, ids);
    const byId = new Map(levels.map((l) => [l.productId, l]));
    return ids.map((id) => byId.get(id) ?? new Error(`no product ${id}`));
  }));

builder.prismaObjectField('Product', 'stock', (t) =>
  t.field({
    type: ProductStock,
    description: 'Its stock pool: on hand, reserved, safety buffer and available, and per location. Zero until stock moves.',
    resolve: (product, _args, ctx) => stockLoader(ctx).load(product.id),
  }),
);

const StockMovementFilter = builder.inputType('StockMovementFilter', {
  description: 'Which movements: every given condition must hold; fields left out do not filter.',
  fields: (t) => ({
    productId: t.id({ required: false, description: 'Of this product.' }),
    locationId: t.id({ required: false, description: 'At this location.' }),
    reasons: t.field({ type: [StockMovementReason], required: false, description: 'With one of these reasons.' }),
    causeId: t.string({ required: false, description: 'With this cause: a batch id, an order id or a token name.' }),
    from: t.field({ type: 'DateTime', required: false, description: 'Posted at or after this time.' }),
    to: t.field({ type: 'DateTime', required: false, description: `Posted before this time. ${rangeEndRule('from')}` }),
  }),
});

type MovementFilter = { productId?: string | number | null; locationId?: string | number | null; reasons?: string[] | null; causeId?: string | null; from?: Date | null; to?: Date | null };

function movementWhere(f: MovementFilter | null | undefined): Prisma.StockMovementWhereInput {
  if (!f) return {};
  return {
    productId: idOrNone(f.productId),
    locationId: idOrNone(f.locationId),
    ...(f.reasons?.length ? { reason: { in: f.reasons as never } } : {}),
    ...(f.causeId ? { causeId: f.causeId } : {}),
    ...(f.from || f.to ? { createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } } : {}),
  };
}

builder.queryFields((t) => ({
  stockMovements: t.prismaConnection({
    type: 'StockMovement',
    cursor: 'seq',
    authScopes: { viewer: true },
    argRules: filterRules(timeRange('from', 'to')),
    description: 'The stock ledger, newest first; at most 100 per page.',
    args: { filter: t.arg({ type: StockMovementFilter, required: false, description: 'Default: every movement.' }) },
    totalCount: (_c, args, ctx) => ctx.prisma.stockMovement.count({ where: movementWhere(args.filter) }),
    resolve: (query, _root, args, ctx) => ctx.prisma.stockMovement.findMany({ ...query, where: movementWhere(args.filter), orderBy: { seq: 'desc' } }),
  }),
  inventory: t.prismaConnection({
    type: 'Product',
    cursor: 'id',
    authScopes: { viewer: true },
    description: 'Products whose stock has moved at least once (their `stock` is the pool), by SKU; at most 100 per page.',
    args: { search: t.arg.string({ required: false, description: 'Part of the SKU or the name, any case.' }) },
    totalCount: (_c, args, ctx) => ctx.prisma.product.count({ where: inventoryWhere(args.search) }),
    resolve: (query, _root, args, ctx) => ctx.prisma.product.findMany({ ...query, where: inventoryWhere(args.search), orderBy: [{ sku: 'asc' }, { id: 'asc' }] }),
  }),
  stockLocations: t.prismaField({
    type: ['StockLocation'],
    authScopes: { viewer: true },
    description: 'Every stock location, by code.',
    resolve: (query, _root, _args, ctx) => ctx.prisma.stockLocation.findMany({ ...query, orderBy: { code: 'asc' } }),
  }),
}));

function inventoryWhere(search: string | null | undefined): Prisma.ProductWhereInput {
  return {
    stockBalances: { some: {} },
    ...(search ? { OR: [{ sku: { contains: search, mode: 'insensitive' } }, { name: { contains: search, mode: 'insensitive' } }] } : {}),
  };
}
