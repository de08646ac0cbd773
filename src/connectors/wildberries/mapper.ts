/** Wildberries payloads to channel-neutral listings and orders. */
import type { OrderStatus, RemoteListing, RemoteOrder } from '../connector.js';
import { fromUnits, toDecimal } from '../shared/decimal.js';
import type { WbCard, WbGoods, WbOrder, WbOrderStatus } from './schemas.js';

/**
 * A listing is one size of a card (stock is per size). Its externalId is `nmID:chrtID`: prices
 * are written per nmID, stocks per chrtID, and the connector needs both back on a push.
 */
export function wbExternalId(nmID: number, chrtID: number): string {
  return `${nmID}:${chrtID}`;
}

export function parseWbExternalId(externalId: string | undefined): { nmID: number; chrtID: number } | undefined {
  const match = /^(\d+):(\d+)$/.exec(externalId ?? '');
  return match ? { nmID: Number(match[1]), chrtID: Number(match[2]) } : undefined;
}

export function toListings(
  card: WbCard,
  goods: WbGoods | undefined,
  stocks: Map<number, Map<string, number>>,
): RemoteListing[] {
  const multiSize = card.sizes.length > 1;
  return card.sizes.map((size) => {
    const price = goods?.sizes.find((s) => s.sizeID === size.chrtID) ?? goods?.sizes[0];
    const byWarehouse = Object.fromEntries(stocks.get(size.chrtID) ?? new Map<string, number>());
    return {
      externalId: wbExternalId(card.nmID, size.chrtID),
      // Single-size cards (the usual case) keep the seller's vendor code as SKU.
      sku: multiSize ? `${card.vendorCode}-${size.techSize ?? size.chrtID}` : card.vendorCode,
      name: card.title ?? card.vendorCode,
      price: price ? toDecimal(price.price, 2) : '0.00',
      currency: goods?.currencyIsoCode4217 ?? 'RUB',
      stock: Object.values(byWarehouse).reduce((a, b) => a + b, 0),
      stockByWarehouse: byWarehouse,
      status: 'ACTIVE',
      remoteStatus: 'card',
      ...(card.updatedAt ? { remoteUpdatedAt: new Date(card.updatedAt) } : {}),
    };
  });
}

/** ISO 4217 numeric codes WB uses. */
const CURRENCIES: Record<number, string> = {
  643: 'RUB',
  933: 'BYN',
  398: 'KZT',
  51: 'AMD',
  417: 'KGS',
  860: 'UZS',
  972: 'TJS',
  978: 'EUR',
  840: 'USD',
  156: 'CNY',
};

const WB_STATUS: Record<string, OrderStatus> = {
  waiting: 'PROCESSING',
  sorted: 'SHIPPED',
  sold: 'DELIVERED',
  canceled: 'CANCELLED',
  canceled_by_client: 'CANCELLED',
  declined_by_client: 'CANCELLED',
  defect: 'CANCELLED',
  ready_for_pickup: 'SHIPPED',
  postponed_delivery: 'SHIPPED',
  accepted_by_carrier: 'SHIPPED',
  sent_to_carrier: 'SHIPPED',
};

function normalizeStatus(status: WbOrderStatus | undefined): OrderStatus {
  if (!status) return 'NEW';
  const byWb = WB_STATUS[status.wbStatus];
  if (byWb === 'CANCELLED' || byWb === 'DELIVERED') return byWb;
  if (status.supplierStatus === 'cancel') return 'CANCELLED';
  if (status.supplierStatus === 'new') return 'NEW';
  if (status.supplierStatus === 'confirm') return 'PROCESSING';
  return byWb ?? 'SHIPPED'; // complete: handed over to WB
}

/** An assembly task is one unit of one size; amounts are kopecks. */
export function toOrder(order: WbOrder, status: WbOrderStatus | undefined): RemoteOrder {
  const paid = BigInt(order.finalPrice ?? order.price) * 100n; // kopecks → units of 10^-4
  return {
    externalId: String(order.id),
    status: normalizeStatus(status),
    remoteStatus: status ? `${status.supplierStatus}/${status.wbStatus}` : 'unknown',
    customer: { name: null, email: null, phone: null },
    items: [
      {
        sku: order.article,
        externalProductId: wbExternalId(order.nmId, order.chrtId),
        quantity: 1,
        price: fromUnits(paid, 2),
      },
    ],
    total: fromUnits(paid, 2),
    currency: CURRENCIES[order.currencyCode] ?? String(order.currencyCode),
    placedAt: new Date(order.createdAt),
  };
}
