/** Wildberries payloads to channel-neutral listings and orders. */
import type { ListingContent, OrderStatus, RemoteListing, RemoteOrder } from '../connector.js';
import { fromUnits, toDecimal } from '../shared/decimal.js';
import type { WbCard, WbGoods, WbOrder, WbOrderStatus, WbStatisticsOrder } from './schemas.js';
import { fromMoscowTime } from './statistics.js';

/** stockByWarehouse key of a WB-held (FBW) warehouse: read for display, never pushed. */
export const FBW_PREFIX = 'fbw:';

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

/** A listing's SKU: single-size cards (the usual case) keep the seller's vendor code. */
function listingSku(vendorCode: string, techSize: string | null | undefined, chrtID: number | string, multiSize: boolean): string {
  return multiSize ? `${vendorCode}-${techSize ?? chrtID}` : vendorCode;
}

type WbSize = WbCard['sizes'][number];

/** What an order line needs of a listing: the size's id and the listing's SKU. */
export interface WbSizeRef {
  chrtID: number;
  sku: string;
}

export function wbSizeRef(card: WbCard, size: WbSize): WbSizeRef {
  return { chrtID: size.chrtID, sku: listingSku(card.vendorCode, size.techSize, size.chrtID, card.sizes.length > 1) };
}

/** What the card shows: text, brand, category (subject), photos, and this size's barcodes. */
function contentOf(card: WbCard, barcodes: string[]): ListingContent {
  const images = (card.photos ?? []).flatMap((photo) => (photo.big ? [photo.big] : []));
  return {
    ...(card.description ? { description: card.description } : {}),
    ...(card.brand ? { brand: card.brand } : {}),
    ...(card.subjectName ? { category: card.subjectName } : {}),
    images,
    barcodes,
  };
}

/**
 * Listings of one card. `stocks` is per size and seller warehouse id; `fbw` per barcode and WB
 * warehouse name, kept under `fbw:<name>` keys and out of `stock` (the units the seller pushes).
 */
export function toListings(
  card: WbCard,
  goods: WbGoods | undefined,
  stocks: Map<number, Map<string, number>>,
  fbw: Map<string, Map<string, number>> = new Map(),
  rejectionReasons: string[] = [],
): RemoteListing[] {
  const multiSize = card.sizes.length > 1;
  return card.sizes.map((size) => {
    const price = goods?.sizes.find((s) => s.sizeID === size.chrtID) ?? goods?.sizes[0];
    const own = Object.fromEntries(stocks.get(size.chrtID) ?? new Map<string, number>());
    const held: Record<string, number> = {};
    for (const barcode of size.skus ?? []) {
      for (const [warehouse, units] of fbw.get(barcode) ?? []) held[`${FBW_PREFIX}${warehouse}`] = (held[`${FBW_PREFIX}${warehouse}`] ?? 0) + units;
    }
    const byWarehouse = { ...own, ...held };
    return {
      externalId: wbExternalId(card.nmID, size.chrtID),
      sku: listingSku(card.vendorCode, size.techSize, size.chrtID, multiSize),
      name: card.title ?? card.vendorCode,
      price: price ? toDecimal(price.price, 2) : '0.00',
      currency: goods?.currencyIsoCode4217 ?? 'RUB',
      stock: Object.values(own).reduce((a, b) => a + b, 0),
      stockByWarehouse: byWarehouse,
      status: 'ACTIVE',
      remoteStatus: 'card',
      ...(card.updatedAt ? { remoteUpdatedAt: new Date(card.updatedAt) } : {}),
      content: contentOf(card, size.skus ?? []),
      rejectionReasons,
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

/**
 * An FBW order from the statistics report: WB holds and ships it, so the seller only watches it.
 * Prices there are roubles; `finishedPrice` is what the customer paid. The report names the size
 * by barcode: `size` is that barcode's listing when its card was found. Otherwise the SKU is built
 * as a listing's from the report's size ("0" is WB's "no size"), and the product id is the card's.
 */
export function toFbwOrder(row: WbStatisticsOrder, size: WbSizeRef | undefined): RemoteOrder {
  const paid = toDecimal(row.finishedPrice ?? row.priceWithDisc ?? row.totalPrice ?? 0, 2);
  const sized = !!row.techSize && row.techSize !== '0';
  return {
    externalId: `${FBW_PREFIX}${row.srid}`,
    status: row.isCancel ? 'CANCELLED' : 'PROCESSING',
    remoteStatus: row.isCancel ? 'fbw/cancelled' : 'fbw/ordered',
    customer: { name: null, email: null, phone: null },
    items: [
      {
        sku: size?.sku ?? listingSku(row.supplierArticle, row.techSize, row.nmId, sized),
        externalProductId: size ? wbExternalId(row.nmId, size.chrtID) : String(row.nmId),
        quantity: 1,
        price: paid,
      },
    ],
    total: paid,
    currency: 'RUB',
    placedAt: fromMoscowTime(row.date),
    remoteUpdatedAt: fromMoscowTime(row.lastChangeDate),
    fulfilledByMarketplace: true,
  };
}
