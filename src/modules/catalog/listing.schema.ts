import { builder } from '../../graphql/builder.js';
import { Channel } from '../accounts/account.schema.js';

export const ListingStatus = builder.enumType('ListingStatus', {
  description: 'Where an offer stands on its marketplace, in Stockline\'s terms (remoteStatus has the marketplace\'s own value).',
  values: {
    ACTIVE: { description: 'On sale on the marketplace.' },
    INACTIVE: { description: 'Listed but not on sale (paused, blocked, or awaiting moderation).' },
    DELISTED: { description: 'Gone from the marketplace: a complete FULL sync no longer found it. Kept for history.' },
  } as const,
});

export const WarehouseStock = builder.simpleObject('WarehouseStock', {
  description: 'Sellable units of a listing in one marketplace warehouse.',
  fields: (t) => ({
    warehouseId: t.string({ description: 'The warehouse id as the marketplace names it.' }),
    stock: t.int({ description: 'Sellable units there, as last reported.' }),
  }),
});

/** `stockByWarehouse` is stored as `{ "<warehouseId>": units }`; anything else in it is ignored. */
function warehouseStock(json: unknown): { warehouseId: string; stock: number }[] {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return [];
  return Object.entries(json as Record<string, unknown>)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]))
    .map(([warehouseId, stock]) => ({ warehouseId, stock: Math.trunc(stock) }))
    .sort((a, b) => a.warehouseId.localeCompare(b.warehouseId, 'en', { numeric: true }));
}

const EDIT_PENDING = 'Set while a user\'s edit has not been confirmed by the marketplace; null once a sync sees the marketplace report it (or no edit was made).';

export const Listing = builder.prismaObject('Listing', {
  description:
    'A product offered on one marketplace account. `price` and `stock` are the values Stockline holds (a user\'s edit included); `remotePrice` and `remoteStock` are what the marketplace reported last.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    product: t.relation('product', { description: 'The catalog product it offers (matched by SKU).' }),
    account: t.relation('account', { description: 'The marketplace account it is offered on.' }),
    channel: t.field({
      type: Channel,
      description: 'The channel of its account.',
      select: { account: { select: { channel: true } } },
      resolve: (listing) => listing.account.channel,
    }),
    externalId: t.exposeString('externalId', { description: 'The offer\'s id on the marketplace; unique per account.' }),
    sku: t.exposeString('sku', { description: 'The SKU as the marketplace reports it; the product is found by it.' }),
    name: t.exposeString('name', { description: 'The title on the marketplace, which may differ from the product name.' }),
    price: t.field({
      type: 'Decimal',
      description: 'The price Stockline holds: a user\'s edit (pushed, or waiting to be) or else the last reported price.',
      resolve: (listing) => listing.price.toFixed(2),
    }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code of price and remotePrice.' }),
    stock: t.exposeInt('stock', { description: 'Sellable units Stockline holds, over all warehouses; a user\'s edit included.' }),
    stockByWarehouse: t.field({
      type: [WarehouseStock],
      description: 'Stock per marketplace warehouse as last reported, by warehouse id. Empty where the marketplace does not report warehouses.',
      select: { stockByWarehouse: true },
      resolve: (listing) => warehouseStock(listing.stockByWarehouse),
    }),
    status: t.expose('status', { type: ListingStatus, description: 'Whether it is on sale.' }),
    remoteStatus: t.exposeString('remoteStatus', { description: 'The marketplace\'s own status value, for display and debugging.' }),
    remotePrice: t.field({ type: 'Decimal', description: 'The price the marketplace reported last.', resolve: (listing) => listing.remotePrice.toFixed(2) }),
    remoteStock: t.exposeInt('remoteStock', { description: 'The stock the marketplace reported last.' }),
    remoteUpdatedAt: t.expose('remoteUpdatedAt', { type: 'DateTime', nullable: true, description: 'When the marketplace says the offer last changed, if it says.' }),
    priceEditedAt: t.expose('priceEditedAt', { type: 'DateTime', nullable: true, description: `When a user last set the price. ${EDIT_PENDING}` }),
    stockEditedAt: t.expose('stockEditedAt', { type: 'DateTime', nullable: true, description: `When a user last set the stock. ${EDIT_PENDING}` }),
    hasPendingEdit: t.boolean({
      description: 'Whether a user\'s price or stock edit still waits for the marketplace to confirm it.',
      select: { priceEditedAt: true, stockEditedAt: true },
      resolve: (listing) => listing.priceEditedAt != null || listing.stockEditedAt != null,
    }),
    description: t.exposeString('description', { nullable: true, description: "The offer's description on the marketplace (often HTML), where the marketplace gives it." }),
    brand: t.exposeString('brand', { nullable: true, description: 'The brand the marketplace shows, where it gives one.' }),
    category: t.exposeString('category', { nullable: true, description: "The marketplace's category of the offer (its name, or its id where it gives no name)." }),
    images: t.exposeStringList('images', { description: 'Image URLs on the marketplace, main image first; empty where it gives none.' }),
    barcodes: t.exposeStringList('barcodes', { description: 'EAN/GTIN barcodes as the marketplace stores them; empty where it gives none.' }),
    rejectionReasons: t.exposeStringList('rejectionReasons', {
      description: "Why the marketplace refuses or hides the offer (validation, moderation, rejection), in the marketplace's words; empty when it reports none.",
    }),
    rejected: t.boolean({
      description: 'Whether the marketplace reports reasons it refuses or hides the offer (see rejectionReasons).',
      select: { rejectionReasons: true },
      resolve: (listing) => (listing.rejectionReasons ?? []).length > 0,
    }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime', description: 'When a sync last found the offer on the marketplace.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When a sync first found it.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When any of its fields last changed in Stockline.' }),
  }),
});
