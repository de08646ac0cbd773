import { builder } from '../../graphql/builder.js';
import { defineErrorType, runMutation } from '../../graphql/payload.js';
import { catalogErrorMeanings } from './catalog.errors.js';
import { setProductHidden, updateListingPrice, updateListingStock, updateProductCost } from './catalog-edit.service.js';
import { Listing } from './listing.schema.js';
import { Product } from './product.schema.js';

export const CatalogError = defineErrorType('CatalogError', catalogErrorMeanings, 'Why a catalog edit was refused; nothing was changed.');

const ListingPayload = builder.simpleObject('ListingPayload', {
  description: 'The outcome of a listing edit: the listing, or why it was refused.',
  fields: (t) => ({
    listing: t.field({ type: Listing, nullable: true, description: 'The listing after the edit; null when refused.' }),
    errors: t.field({ type: [CatalogError] }),
  }),
});

const ProductPayload = builder.simpleObject('ProductPayload', {
  description: 'The outcome of a product edit: the product, or why it was refused.',
  fields: (t) => ({
    product: t.field({ type: Product, nullable: true, description: 'The product after the edit; null when refused.' }),
    errors: t.field({ type: [CatalogError] }),
  }),
});

const UpdateListingPriceInput = builder.inputType('UpdateListingPriceInput', {
  description: 'A listing and its new price.',
  fields: (t) => ({
    listingId: t.id({ description: 'The listing id.' }),
    price: t.field({ type: 'Decimal', description: 'Greater than 0, in the listing\'s currency, as a decimal string ("12.50": major units, not cents).' }),
  }),
});

const UpdateListingStockInput = builder.inputType('UpdateListingStockInput', {
  description: 'A listing and its new stock.',
  fields: (t) => ({
    listingId: t.id({ description: 'The listing id.' }),
    stock: t.int({ description: 'Sellable units, 0 or more.' }),
  }),
});

const UpdateProductCostInput = builder.inputType('UpdateProductCostInput', {
  description: 'A product and its new unit cost.',
  fields: (t) => ({
    productId: t.id({ description: 'The product id.' }),
    cost: t.field({ type: 'Decimal', required: false, description: 'What one unit costs the seller, 0 or more, as a decimal string ("12.50"); null or left out clears it.' }),
  }),
});

const SetProductHiddenInput = builder.inputType('SetProductHiddenInput', {
  description: 'A product and whether to hide it.',
  fields: (t) => ({ productId: t.id({ description: 'The product id.' }), hidden: t.boolean({ description: 'true hides it, false shows it again.' }) }),
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
    args: { input: t.arg({ type: UpdateListingPriceInput, description: 'The listing and its price.' }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('listing', () => updateListingPrice(ctx, ctx.actor!, { listingId: String(input.listingId), price: input.price })),
  }),
  updateListingStock: t.field({
    type: ListingPayload,
    authScopes: { operator: true },
    description: `Sets the stock Stockline holds for a listing. ${PUSHED}`,
    args: { input: t.arg({ type: UpdateListingStockInput, description: 'The listing and its stock.' }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('listing', () => updateListingStock(ctx, ctx.actor!, { listingId: String(input.listingId), stock: input.stock })),
  }),
  updateProductCost: t.field({
    type: ProductPayload,
    authScopes: { operator: true },
    description: 'Sets (or clears) what one unit costs the seller. Local only: recorded in the product\'s `changes`, never pushed.',
    args: { input: t.arg({ type: UpdateProductCostInput, description: 'The product and its cost.' }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('product', () => updateProductCost(ctx, ctx.actor!, { productId: String(input.productId), cost: input.cost ?? null })),
  }),
  setProductHidden: t.field({
    type: ProductPayload,
    authScopes: { operator: true },
    description: 'Hides a product from everyday views, or shows it again. Local only: recorded in the product\'s `changes`, never pushed.',
    args: { input: t.arg({ type: SetProductHiddenInput, description: 'The product and whether to hide it.' }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('product', () => setProductHidden(ctx, ctx.actor!, { productId: String(input.productId), hidden: input.hidden })),
  }),
}));
