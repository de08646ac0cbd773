import type { PrismaClient } from '../../generated/prisma/client.js';
import { builder } from '../../graphql/builder.js';
import { defineErrorType, runMutation } from '../../graphql/payload.js';
import { closingSource } from '../../events/closing-stream.js';
import { inventoryErrorMeanings } from './inventory.errors.js';
import { adjustStock, countStock, createStockLocation, deleteProductMapping, setAllocationRule, setProductMapping, setStockSettings, transferStock } from './inventory.service.js';
import { setBatchProduct, setWorkCenterStockFrom } from './production-links.service.js';
import { StockLocation, StockLocationKind, StockMovement } from './stock.schema.js';
import { Product } from '../catalog/product.schema.js';
import { Batch } from '../production/batch.schema.js';
import { WorkCenter } from '../production/work-center.schema.js';

export const InventoryError = defineErrorType('InventoryError', inventoryErrorMeanings, 'Why a stock pool change was refused; nothing was changed.');

const StockAllocationMode = builder.enumType('StockAllocationMode', {
  description: "How much of each product's available pool an account's listings offer.",
  values: {
    SHARE: { description: 'value percent of available, rounded down.' },
    CAP: { description: 'Available, but at most value units.' },
    BUFFER: { description: 'Available less value units held back.' },
    OFF: { description: 'Not allocated: the listings keep the stock a person sets (updateListingStock).' },
  } as const,
});

export const StockAllocationRule = builder.prismaObject('StockAllocationRule', {
  description: "An account's allocation rule. Whatever the rule, a product whose available is at or below its zeroStockThreshold is offered 0.",
  fields: (t) => ({
    mode: t.expose('mode', { type: StockAllocationMode, description: 'SHARE, CAP, BUFFER or OFF.' }),
    value: t.exposeInt('value', { description: 'The percent (SHARE) or the units (CAP, BUFFER); unused with OFF.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it was last set.' }),
  }),
});

builder.prismaObjectField('MarketplaceAccount', 'stockAllocation', (t) =>
  t.relation('allocationRule', { nullable: true, description: 'How the stock pool is allocated to its listings; null: OFF (its listings keep their manual stock).' }),
);

const ProductMappingField = builder.enumType('ProductMappingField', {
  description: 'Which field of a batch a product mapping matches.',
  values: { EKN_CODE: { description: 'The batch\'s EKN code (tried first).' }, NOMENCLATURE: { description: 'The batch\'s nomenclature.' } } as const,
});

export const ProductMapping = builder.prismaObject('ProductMapping', {
  description: 'Which product a batch makes when it names none itself: by its EKN code, else by its nomenclature.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    field: t.expose('field', { type: ProductMappingField, description: 'The batch field matched.' }),
    value: t.exposeString('value', { description: 'The value it must equal exactly.' }),
    product: t.relation('product', { description: 'The product such a batch makes.' }),
  }),
});

builder.prismaObjectField('Batch', 'product', (t) =>
  t.relation('product', { nullable: true, description: 'The product it makes, as set by setBatchProduct; null: a product mapping (EKN code, then nomenclature) decides when it closes.' }),
);
const StockFromUnits = builder.enumType('StockFromUnits', {
  description: 'Which units of a closed batch enter the stock pool.',
  values: { ALL_UNITS: { description: 'Every unit of the batch.' }, AGGREGATED_UNITS: { description: 'Only its aggregated units.' } } as const,
});
builder.prismaObjectField('WorkCenter', 'stockFrom', (t) =>
  t.expose('stockFrom', { type: StockFromUnits, description: 'Which units of a batch closed here enter the stock pool (default ALL_UNITS).' }),
);

builder.queryFields((t) => ({
  productMappings: t.prismaField({
    type: ['ProductMapping'],
    authScopes: { viewer: true },
    description: 'Every product mapping, by field then value.',
    resolve: (query, _root, _args, ctx) => ctx.prisma.productMapping.findMany({ ...query, orderBy: [{ field: 'asc' }, { value: 'asc' }] }),
  }),
}));

const StockChangePayload = builder.simpleObject('StockChangePayload', {
  description: 'The outcome of a stock change: the movements posted, or why it was refused.',
  fields: (t) => ({
    movements: t.field({ type: [StockMovement], nullable: true, description: 'The movements posted; for a request sent again with the same idempotencyKey, the movements the first one posted (nothing is posted twice). Null when refused.' }),
    errors: t.field({ type: [InventoryError] }),
  }),
});

const LocationPayload = builder.simpleObject('StockLocationPayload', {
  description: 'The outcome: the location, or why it was refused.',
  fields: (t) => ({ location: t.field({ type: StockLocation, nullable: true, description: 'The location made; null when refused.' }), errors: t.field({ type: [InventoryError] }) }),
});
const RulePayload = builder.simpleObject('StockAllocationRulePayload', {
  description: 'The outcome: the rule, or why it was refused.',
  fields: (t) => ({ rule: t.field({ type: StockAllocationRule, nullable: true, description: 'The rule as set; null when refused.' }), errors: t.field({ type: [InventoryError] }) }),
});
const MappingPayload = builder.simpleObject('ProductMappingPayload', {
  description: 'The outcome: the mapping, or why it was refused.',
  fields: (t) => ({ mapping: t.field({ type: ProductMapping, nullable: true, description: 'The mapping as set (or as it was, when deleted); null when refused.' }), errors: t.field({ type: [InventoryError] }) }),
});
const ProductStockPayload = builder.simpleObject('ProductStockSettingsPayload', {
  description: 'The outcome: the product, or why it was refused.',
  fields: (t) => ({ product: t.field({ type: Product, nullable: true, description: 'The product after the change; null when refused.' }), errors: t.field({ type: [InventoryError] }) }),
});
const BatchProductPayload = builder.simpleObject('BatchProductPayload', {
  description: 'The outcome: the batch, or why it was refused.',
  fields: (t) => ({ batch: t.field({ type: Batch, nullable: true, description: 'The batch after the change; null when refused.' }), errors: t.field({ type: [InventoryError] }) }),
});
const WorkCenterStockPayload = builder.simpleObject('WorkCenterStockFromPayload', {
  description: 'The outcome: the work center, or why it was refused.',
  fields: (t) => ({ workCenter: t.field({ type: WorkCenter, nullable: true, description: 'The work center after the change; null when refused.' }), errors: t.field({ type: [InventoryError] }) }),
});

const KEY =
  'Your key for this request: sending the same request again with it (a retry) posts nothing more and answers the movements posted the first time; the key used for another request (another product, location, quantity or count) is refused with IDEMPOTENCY_KEY_REUSED. Default: every request posts.';
const NOTE = 'Why, for the ledger.';
const LOCATION = 'Default: the main warehouse (MAIN).';

const AdjustStockInput = builder.inputType('AdjustStockInput', {
  description: 'Units to add or remove at a location.',
  fields: (t) => ({
    productId: t.id({ description: 'The product.' }),
    locationId: t.id({ required: false, description: LOCATION }),
    quantity: t.int({ description: 'Units: positive adds, negative removes; not 0.' }),
    note: t.string({ required: false, description: NOTE }),
    idempotencyKey: t.string({ required: false, description: KEY }),
  }),
});
const CountStockInput = builder.inputType('CountStockInput', {
  description: 'What a stock count found at a location.',
  fields: (t) => ({
    productId: t.id({ description: 'The product.' }),
    locationId: t.id({ required: false, description: LOCATION }),
    counted: t.int({ description: 'Units counted, 0 or more.' }),
    note: t.string({ required: false, description: NOTE }),
    idempotencyKey: t.string({ required: false, description: KEY }),
  }),
});
const TransferStockInput = builder.inputType('TransferStockInput', {
  description: 'Units to move between two locations.',
  fields: (t) => ({
    productId: t.id({ description: 'The product.' }),
    fromLocationId: t.id({ description: 'Where they leave; must have them on hand.' }),
    toLocationId: t.id({ description: 'Where they arrive.' }),
    quantity: t.int({ description: 'Units, more than 0.' }),
    note: t.string({ required: false, description: NOTE }),
    idempotencyKey: t.string({ required: false, description: KEY }),
  }),
});
const SetStockSettingsInput = builder.inputType('SetStockSettingsInput', {
  description: "A product's pool settings; fields left out keep their value.",
  fields: (t) => ({
    productId: t.id({ description: 'The product.' }),
    safetyBuffer: t.int({ required: false, description: 'Units kept back from every channel, 0 or more.' }),
    zeroStockThreshold: t.int({ required: false, description: 'At or below this available, listings are pushed 0; 0 or more.' }),
  }),
});
const CreateStockLocationInput = builder.inputType('CreateStockLocationInput', {
  description: 'A new stock location.',
  fields: (t) => ({
    code: t.string({ description: 'Short unique code.' }),
    name: t.string({ description: 'Its name.' }),
    kind: t.field({ type: StockLocationKind, description: 'OWN (pooled) or MARKETPLACE (tracked only).' }),
    accountId: t.id({ required: false, description: 'The account whose marketplace holds it (MARKETPLACE).' }),
  }),
});
const SetStockAllocationRuleInput = builder.inputType('SetStockAllocationRuleInput', {
  description: "An account's allocation rule.",
  fields: (t) => ({
    accountId: t.id({ description: 'The account.' }),
    mode: t.field({ type: StockAllocationMode, description: 'SHARE, CAP, BUFFER or OFF.' }),
    value: t.int({ required: false, description: 'SHARE: percent 0–100 (default 100); CAP: most units; BUFFER: units held back (default 0).' }),
  }),
});
const SetProductMappingInput = builder.inputType('SetProductMappingInput', {
  description: 'Maps batches with this EKN code or nomenclature to a product (replacing the mapping of the same value).',
  fields: (t) => ({
    field: t.field({ type: ProductMappingField, description: 'Which batch field.' }),
    value: t.string({ description: 'The exact value.' }),
    productId: t.id({ description: 'The product.' }),
  }),
});
const IdInput = builder.inputType('DeleteProductMappingInput', {
  description: 'The mapping to delete.',
  fields: (t) => ({ id: t.id({ description: 'The mapping id.' }) }),
});
const SetBatchProductInput = builder.inputType('SetBatchProductInput', {
  description: 'The product a batch makes.',
  fields: (t) => ({ batchId: t.id({ description: 'The batch.' }), productId: t.id({ required: false, description: 'The product; null or left out: decided by product mappings.' }) }),
});
const SetWorkCenterStockFromInput = builder.inputType('SetWorkCenterStockFromInput', {
  description: 'Which units of batches closed at a work center enter the pool.',
  fields: (t) => ({ workCenterId: t.id({ description: 'The work center.' }), stockFrom: t.field({ type: StockFromUnits, description: 'ALL_UNITS or AGGREGATED_UNITS.' }) }),
});

const POSTS = 'Posts to the stock ledger; listings under allocation are recomputed and pushed (coalesced), and stock.changed is published.';
const s = (v: string | number | null | undefined) => (v == null ? null : String(v));

builder.mutationFields((t) => ({
  adjustStock: t.field({
    type: StockChangePayload,
    authScopes: { operator: true },
    description: `Adds or removes units of a product (ADJUSTMENT). ${POSTS}`,
    args: { input: t.arg({ type: AdjustStockInput, description: 'The product, units and location.' }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('movements', async () => movementsOf(ctx, await adjustStock(ctx, ctx.actor!, { ...input, productId: String(input.productId), locationId: s(input.locationId) }))),
  }),
  countStock: t.field({
    type: StockChangePayload,
    authScopes: { operator: true },
    description: `Records a stock count: on hand becomes what was counted (COUNT, the difference). ${POSTS}`,
    args: { input: t.arg({ type: CountStockInput, description: 'The product, count and location.' }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('movements', async () => movementsOf(ctx, await countStock(ctx, ctx.actor!, { ...input, productId: String(input.productId), locationId: s(input.locationId) }))),
  }),
  transferStock: t.field({
    type: StockChangePayload,
    authScopes: { operator: true },
    description: `Moves units between locations (TRANSFER out and in); to a MARKETPLACE location they leave the pool. ${POSTS}`,
    args: { input: t.arg({ type: TransferStockInput, description: 'The product, units and locations.' }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('movements', async () => movementsOf(ctx, await transferStock(ctx, ctx.actor!, { ...input, productId: String(input.productId), fromLocationId: String(input.fromLocationId), toLocationId: String(input.toLocationId) }))),
  }),
  setStockSettings: t.field({
    type: ProductStockPayload,
    authScopes: { operator: true },
    description: "Sets a product's safety buffer and zero-stock threshold; its allocated listings are recomputed and pushed.",
    args: { input: t.arg({ type: SetStockSettingsInput, description: 'The product and its settings.' }) },
    resolve: (_r, { input }, ctx) => runMutation('product', () => setStockSettings(ctx, ctx.actor!, { ...input, productId: String(input.productId) })),
  }),
  createStockLocation: t.field({
    type: LocationPayload,
    authScopes: { operator: true },
    description: 'Adds a stock location (a warehouse of yours, or a marketplace warehouse to track).',
    args: { input: t.arg({ type: CreateStockLocationInput, description: 'The location.' }) },
    resolve: (_r, { input }, ctx) => runMutation('location', () => createStockLocation(ctx, ctx.actor!, { ...input, accountId: s(input.accountId) })),
  }),
  setStockAllocationRule: t.field({
    type: RulePayload,
    authScopes: { operator: true },
    description: "Sets how the pool is allocated to an account's listings; they are recomputed and pushed at once. OFF hands them back to manual stock.",
    args: { input: t.arg({ type: SetStockAllocationRuleInput, description: 'The account and its rule.' }) },
    resolve: (_r, { input }, ctx) => runMutation('rule', () => setAllocationRule(ctx, ctx.actor!, { ...input, accountId: String(input.accountId) })),
  }),
  setProductMapping: t.field({
    type: MappingPayload,
    authScopes: { operator: true },
    description: 'Maps batches by EKN code or nomenclature to the product they make (used when a batch closes and names no product).',
    args: { input: t.arg({ type: SetProductMappingInput, description: 'The value and its product.' }) },
    resolve: (_r, { input }, ctx) => runMutation('mapping', () => setProductMapping(ctx, ctx.actor!, { ...input, productId: String(input.productId) })),
  }),
  deleteProductMapping: t.field({
    type: MappingPayload,
    authScopes: { operator: true },
    description: 'Deletes a product mapping; batches already closed keep what they posted.',
    args: { input: t.arg({ type: IdInput, description: 'The mapping.' }) },
    resolve: (_r, { input }, ctx) => runMutation('mapping', () => deleteProductMapping(ctx, ctx.actor!, { id: String(input.id) })),
  }),
  setBatchProduct: t.field({
    type: BatchProductPayload,
    authScopes: { operator: true },
    description: 'Names the product a batch makes; its units enter that product\'s pool when it closes.',
    args: { input: t.arg({ type: SetBatchProductInput, description: 'The batch and product.' }) },
    resolve: (_r, { input }, ctx) => runMutation('batch', () => setBatchProduct(ctx, ctx.actor!, { batchId: String(input.batchId), productId: s(input.productId) })),
  }),
  setWorkCenterStockFrom: t.field({
    type: WorkCenterStockPayload,
    authScopes: { operator: true },
    description: 'Sets which units of batches closed at a work center enter the pool.',
    args: { input: t.arg({ type: SetWorkCenterStockFromInput, description: 'The work center and setting.' }) },
    resolve: (_r, { input }, ctx) => runMutation('workCenter', () => setWorkCenterStockFrom(ctx, ctx.actor!, { ...input, workCenterId: String(input.workCenterId) })),
  }),
}));

/** The movements posted, as stored. */
const movementsOf = (ctx: { prisma: PrismaClient }, posted: { movements: { id: string }[] }) =>
  ctx.prisma.stockMovement.findMany({ where: { id: { in: posted.movements.map((m) => m.id) } }, orderBy: { seq: 'asc' } });

builder.subscriptionFields((t) => ({
  stockChanged: t.field({
    type: Product,
    authScopes: { viewer: true },
    description: "Each product whose pool changed (on any instance, with REDIS_URL), optionally one product; read its `stock`. The same change is the domain event stock.changed, which webhooks carry.",
    args: { productId: t.arg.id({ required: false, description: 'Only this product; default all.' }) },
    subscribe: (_root, args, ctx) => {
      const events = ctx.events.subscribe(['stock.changed']);
      return closingSource(events, changedProducts(events, args.productId == null ? null : String(args.productId)));
    },
    resolve: (productId, _args, ctx) => ctx.prisma.product.findUniqueOrThrow({ where: { id: productId } }),
  }),
}));

async function* changedProducts(events: AsyncIterable<{ payload: Record<string, unknown> }>, productId: string | null): AsyncGenerator<string> {
  for await (const event of events) {
    const id = event.payload.productId;
    if (typeof id === 'string' && (productId === null || id === productId)) yield id;
  }
}
