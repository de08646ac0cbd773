import { builder } from '../../graphql/builder.js';
import { defineErrorType, runMutation } from '../../graphql/payload.js';
import { catalogErrorCodes } from './catalog.errors.js';
import { setProductHidden, updateListingPrice, updateListingStock, updateProductCost } from './catalog-edit.service.js';
import { Listing } from './listing.schema.js';
import { Product } from './product.schema.js';

export const CatalogError = defineErrorType('CatalogError', catalogErrorCodes, 'Why a catalog edit was refused; nothing was changed.');

const ListingPayload = builder.simpleObject('ListingPayload', {
  fields: (t) => ({
    listing: t.field({ type: Listing, nullable: true }),
    errors: t.field({ type: [CatalogError] }),
  }),
});

const ProductPayload = builder.simpleObject('ProductPayload', {
  fields: (t) => ({
    product: t.field({ type: Product, nullable: true }),
    errors: t.field({ type: [CatalogError] }),
  }),
});

const UpdateListingPriceInput = builder.inputType('UpdateListingPriceInput', {
  fields: (t) => ({
    listingId: t.id(),
    price: t.field({ type: 'Decimal', description: 'Greater than 0, in the listing\'s currency.' }),
  }),
});

const UpdateListingStockInput = builder.inputType('UpdateListingStockInput', {
  fields: (t) => ({
    listingId: t.id(),
    stock: t.int({ description: 'Sellable units, 0 or more.' }),
  }),
});

const UpdateProductCostInput = builder.inputType('UpdateProductCostInput', {
  fields: (t) => ({
    productId: t.id(),
    cost: t.field({ type: 'Decimal', required: false, description: '0 or more; null clears it.' }),
  }),
});

const SetProductHiddenInput = builder.inputType('SetProductHiddenInput', {
  fields: (t) => ({ productId: t.id(), hidden: t.boolean() }),
});

const PUSHED =
  'Recorded in the listing\'s `changes`, then pushed to the marketplace by a durable outbox (retried with backoff, survives restarts); ' +
  '`priceEditedAt`/`stockEditedAt` stay set until the marketplace confirms the value, and later syncs keep the edit per the account\'s conflict strategy. ' +
  'Setting the current value changes nothing; setting the marketplace\'s own value clears the pending edit and cancels its push. DELISTED listings cannot be edited.';

builder.mutationFields((t) => ({
  updateListingPrice: t.field({
    type: ListingPayload,
    authScopes: { operator: true },
    description: `Sets the price Stockline holds for a listing. ${PUSHED}`,
    args: { input: t.arg({ type: UpdateListingPriceInput }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('listing', () => updateListingPrice(ctx, ctx.actor!, { listingId: String(input.listingId), price: input.price })),
  }),
  updateListingStock: t.field({
    type: ListingPayload,
    authScopes: { operator: true },
    description: `Sets the stock Stockline holds for a listing. ${PUSHED}`,
    args: { input: t.arg({ type: UpdateListingStockInput }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('listing', () => updateListingStock(ctx, ctx.actor!, { listingId: String(input.listingId), stock: input.stock })),
  }),
  updateProductCost: t.field({
    type: ProductPayload,
    authScopes: { operator: true },
    description: 'Sets (or clears) what one unit costs the seller. Local only: recorded in the product\'s `changes`, never pushed.',
    args: { input: t.arg({ type: UpdateProductCostInput }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('product', () => updateProductCost(ctx, ctx.actor!, { productId: String(input.productId), cost: input.cost ?? null })),
  }),
  setProductHidden: t.field({
    type: ProductPayload,
    authScopes: { operator: true },
    description: 'Hides a product from everyday views, or shows it again. Local only: recorded in the product\'s `changes`, never pushed.',
    args: { input: t.arg({ type: SetProductHiddenInput }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('product', () => setProductHidden(ctx, ctx.actor!, { productId: String(input.productId), hidden: input.hidden })),
  }),
}));
