/** Ozon payloads to channel-neutral listings and orders. */
import type { OrderStatus, RemoteListing, RemoteOrder } from '../connector.js';
import { fromUnits, toDecimal, toUnits } from '../shared/decimal.js';
import type { OzonPosting, OzonPriceItem, OzonProduct, OzonStockItem } from './schemas.js';

/**
 * One listing from the three per-page answers. Stock counts the seller's own warehouses
 * (FBS/rFBS), present minus reserved, which is what /v2/products/stocks sets; FBO stock sits in
 * Ozon's warehouses and is not the seller's to push. The list endpoints carry no product name.
 */
export function toListing(product: OzonProduct, stock: OzonStockItem | undefined, price: OzonPriceItem | undefined): RemoteListing {
  const stockByWarehouse: Record<string, number> = {};
  for (const entry of stock?.stocks ?? []) {
    if (entry.type.toLowerCase() === 'fbo') continue;
    const key = (entry.warehouse_ids ?? []).join(',') || entry.type;
    stockByWarehouse[key] = (stockByWarehouse[key] ?? 0) + Math.max(0, entry.present - entry.reserved);
  }
  return {
    externalId: String(product.product_id),
    sku: product.offer_id,
    name: product.offer_id,
    price: price ? toDecimal(price.price.price, 2) : '0.00',
    currency: price?.price.currency_code ?? 'RUB',
    stock: Object.values(stockByWarehouse).reduce((a, b) => a + b, 0),
    stockByWarehouse,
    status: product.archived ? 'DELISTED' : 'ACTIVE',
    remoteStatus: product.archived ? 'archived' : 'active',
  };
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

/** Ozon sends no posting total: Σ quantity × price. */
export function toOrder(posting: OzonPosting): RemoteOrder {
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
  };
}
