/** Ozon payloads to channel-neutral listings and orders. */
import type { ListingContent, OrderStatus, RemoteListing, RemoteOrder } from '../connector.js';
import { fromUnits, toDecimal, toUnits } from '../shared/decimal.js';
import type { OzonPosting, OzonProduct, OzonProductInfo, OzonWarehouseStock } from './schemas.js';

/** Error levels that stop a product from being sold (spec: ERROR and INTERNAL; WARNING does not). */
const BLOCKING_LEVELS = new Set(['ERROR_LEVEL_ERROR', 'ERROR_LEVEL_INTERNAL']);
/** Key of the FBO (Ozon-held) units in `stockByWarehouse`. */
const FBO_KEY = 'fbo';

/**
 * One listing from a page's three answers. `stockByWarehouse` has one key per FBS/rFBS warehouse
 * id, units present minus reserved (what /v2/products/stocks sets), and, apart, `fbo`: units in
 * Ozon's own warehouses, shown but not the seller's to push and not counted in `stock`.
 */
export function toListing(product: OzonProduct, info: OzonProductInfo | undefined, stocks: OzonWarehouseStock[]): RemoteListing {
  const stockByWarehouse: Record<string, number> = {};
  for (const row of stocks) {
    const key = String(row.warehouse_id);
    stockByWarehouse[key] = (stockByWarehouse[key] ?? 0) + Math.max(0, row.present - row.reserved);
  }
  const stock = Object.values(stockByWarehouse).reduce((a, b) => a + b, 0);
  const fbo = info?.stocks?.stocks?.find((entry) => entry.source.toLowerCase() === 'fbo');
  if (fbo) stockByWarehouse[FBO_KEY] = Math.max(0, fbo.present - fbo.reserved);
  const archived = Boolean(product.archived || info?.is_archived || info?.is_autoarchived);
  const reasons = info ? rejectionReasonsOf(info) : undefined;
  const declined = info?.statuses?.moderate_status === 'declined' || (reasons?.length ?? 0) > 0;
  return {
    externalId: String(product.product_id),
    sku: product.offer_id,
    name: info?.name || product.offer_id,
    price: info?.price !== undefined && info.price !== null ? toDecimal(info.price, 2) : '0.00',
    currency: info?.currency_code || 'RUB',
    stock,
    stockByWarehouse,
    status: archived ? 'DELISTED' : declined ? 'INACTIVE' : 'ACTIVE',
    remoteStatus: info?.statuses?.status || (archived ? 'archived' : 'active'),
    ...(info?.updated_at ? { remoteUpdatedAt: new Date(info.updated_at) } : {}),
    ...(info ? { content: contentOf(info), rejectionReasons: reasons } : {}),
  };
}

function contentOf(info: OzonProductInfo): ListingContent {
  const images = [...new Set([...(info.primary_image ?? []), ...(info.images ?? [])])].filter(Boolean);
  const barcodes = (info.barcodes ?? []).filter(Boolean);
  return {
    ...(images.length > 0 ? { images } : {}),
    ...(barcodes.length > 0 ? { barcodes } : {}),
    // info/list gives the category id only (its name needs /v1/description-category/tree).
    ...(info.description_category_id ? { category: String(info.description_category_id) } : {}),
  };
}

/** Blocking errors in Ozon's words; a declined moderation with no error text gives its status text. */
function rejectionReasonsOf(info: OzonProductInfo): string[] {
  const reasons = (info.errors ?? [])
    .filter((error) => BLOCKING_LEVELS.has(error.level ?? ''))
    .map((error) => {
      const text = error.texts?.description || error.texts?.short_description || error.texts?.message || error.code || 'error';
      const attribute = error.texts?.attribute_name;
      return attribute && !text.includes(attribute) ? `${attribute}: ${text}` : text;
    });
  if (reasons.length === 0 && info.statuses?.moderate_status === 'declined') {
    reasons.push(info.statuses.status_description || info.statuses.status_name || 'declined by moderation');
  }
  return [...new Set(reasons)];
}

const POSTING_STATUS: Record<string, OrderStatus> = {
  awaiting_registration: 'NEW',
  acceptance_in_progress: 'NEW',
  awaiting_approve: 'NEW',
  awaiting_packaging: 'NEW',
  awaiting_deliver: 'PROCESSING',
  arbitration: 'PROCESSING',
  client_arbitration: 'PROCESSING',
  sent_by_seller: 'SHIPPED',
  driver_pickup: 'SHIPPED',
  delivering: 'SHIPPED',
  delivered: 'DELIVERED',
  cancelled: 'CANCELLED',
  not_accepted: 'CANCELLED',
};

/**
 * FBS or FBO posting; Ozon sends no posting total: Σ quantity × price. Only the list it came from
 * says its scheme (/v2/posting/fbo/list and /v2/posting/fbo/get answer FBO postings, shipped from
 * Ozon's warehouses).
 */
export function toOrder(posting: OzonPosting, scheme: 'fbs' | 'fbo' = 'fbs'): RemoteOrder {
  let total = 0n;
  const finance = posting.financial_data?.products ?? [];
  const items = posting.products.map((line, at) => {
    total += toUnits(line.price) * BigInt(line.quantity);
    return {
      sku: line.offer_id,
      // financial_data lists the same lines in the same order and carries the product_id.
      externalProductId: String(finance[at]?.product_id ?? line.sku),
      ...(line.name ? { name: line.name } : {}),
      quantity: line.quantity,
      price: toDecimal(line.price, 2),
    };
  });
  return {
    externalId: posting.posting_number,
    status: POSTING_STATUS[posting.status] ?? 'PROCESSING',
    remoteStatus: posting.status,
    customer: { name: posting.customer?.name ?? null, email: null, phone: posting.customer?.phone ?? null },
    items,
    total: fromUnits(total, 2),
    currency: posting.products.find((p) => p.currency_code)?.currency_code ?? 'RUB',
    placedAt: new Date(posting.in_process_at),
    fulfilledByMarketplace: scheme === 'fbo',
  };
}
