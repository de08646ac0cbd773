/** eMAG payloads to channel-neutral listings and orders. */
import type { ListingStatus, OrderStatus, RemoteListing, RemoteOrder } from '../connector.js';
import { fromUnits, mulUnits, toDecimal, toUnits } from '../shared/decimal.js';
import { parseEmagDate } from './dates.js';
import type { Platform } from './platform.js';
import { contentOf, rejectionReasonsOf } from './review.js';
import type { EmagOffer, EmagOrder } from './schemas.js';

const OFFER_STATUS: Record<number, ListingStatus> = { 0: 'INACTIVE', 1: 'ACTIVE', 2: 'DELISTED' };

export function toListing(offer: EmagOffer, platform: Platform): RemoteListing {
  const stockByWarehouse: Record<string, number> = {};
  for (const entry of offer.stock ?? []) {
    stockByWarehouse[String(entry.warehouse_id)] = (stockByWarehouse[String(entry.warehouse_id)] ?? 0) + entry.value;
  }
  const perWarehouse = Object.values(stockByWarehouse).reduce((a, b) => a + b, 0);
  return {
    externalId: String(offer.id),
    sku: offer.part_number,
    name: offer.name,
    price: toDecimal(offer.sale_price, 2),
    currency: offer.currency ?? platform.currency,
    stock: offer.stock ? perWarehouse : (offer.general_stock ?? 0),
    stockByWarehouse,
    status: OFFER_STATUS[offer.status] ?? 'INACTIVE',
    remoteStatus: String(offer.status),
    content: contentOf(offer),
    rejectionReasons: rejectionReasonsOf(offer),
  };
}

/** 0 cancelled, 1 new, 2 in progress, 3 prepared, 4 finalized, 5 returned. */
const ORDER_STATUS: Record<number, OrderStatus> = {
  0: 'CANCELLED',
  1: 'NEW',
  2: 'PROCESSING',
  3: 'PROCESSING',
  4: 'DELIVERED',
  5: 'RETURNED',
};

/**
 * eMAG sends no order total: Σ quantity × sale_price × (1 + vat) over active lines, plus
 * shipping_tax, plus the (negative) vouchers with their VAT. Dates are the platform's wall clock.
 */
export function toOrder(order: EmagOrder, platform: Platform): RemoteOrder {
  const lines = order.products.filter((p) => p.status === undefined || p.status === null || p.status === 1);
  let total = 0n;
  const items = lines.map((line) => {
    const vat = line.vat === undefined || line.vat === null ? 0n : toUnits(line.vat);
    const unit = mulUnits(toUnits(line.sale_price), toUnits(1) + vat);
    total += unit * BigInt(line.quantity);
    return {
      // The offer id matches the listing first; ext_part_number is the seller's code. part_number
      // is the manufacturer's and would match the wrong product (v4.4.9 §5.1.1).
      sku: line.ext_part_number || String(line.product_id),
      externalProductId: String(line.product_id),
      ...(line.name ? { name: line.name } : {}),
      quantity: line.quantity,
      price: fromUnits(unit, 2),
    };
  });
  if (order.shipping_tax !== undefined && order.shipping_tax !== null) total += toUnits(order.shipping_tax);
  for (const voucher of order.vouchers ?? []) {
    total += toUnits(voucher.sale_price);
    if (voucher.sale_price_vat !== undefined && voucher.sale_price_vat !== null) total += toUnits(voucher.sale_price_vat);
  }
  const placedAt = parseEmagDate(order.date, platform.zone);
  return {
    externalId: String(order.id),
    status: ORDER_STATUS[order.status] ?? 'PROCESSING',
    remoteStatus: String(order.status),
    customer: {
      name: order.customer?.name ?? null,
      email: order.customer?.email ?? null,
      phone: order.customer?.phone_1 ?? null,
    },
    items,
    total: fromUnits(total, 2),
    currency: order.products.find((p) => p.currency)?.currency ?? platform.currency,
    placedAt,
    remoteUpdatedAt: order.modified ? parseEmagDate(order.modified, platform.zone) : placedAt,
  };
}
