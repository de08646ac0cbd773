/**
 * Ozon prices: `old_price` (the struck-through price) is kept per product and must stay above
 * `price` by a minimum gap; `currency_code` must be the seller's settlement currency (RUB when
 * omitted); each product's price may change at most 10 times an hour.
 */
import { num, obj } from '../shared/body.js';
import { decimalToMinor, type Catalog, type Offer } from '../shared/catalog.js';
import type { SimRequest, SimResponse } from '../shared/server.js';
import { PRODUCT_ID_BASE, type OzonSeller } from './seller.js';
import { badRequest } from './wire.js';

/**
 * Minimum `old_price − price`, in minor units (spec, /v1/product/import/prices `price`): 20 below
 * 400, 5% from 400 to 10 000, 500 above.
 */
function minimumGapMinor(priceMinor: number): number {
  if (priceMinor < 40_000) return 2_000;
  if (priceMinor <= 1_000_000) return Math.ceil(priceMinor * 0.05);
  return 50_000;
}

export class OzonPrices {
  private readonly oldPrices = new Map<number, number>();
  private readonly changes = new Map<number, number[]>();

  constructor(
    private readonly catalog: Catalog,
    private readonly seller: OzonSeller,
  ) {}

  /** The struck-through price in minor units; 0 = none. Generated offers show one 15% above the base price. */
  oldPriceMinor(offer: Offer): number {
    return this.oldPrices.get(offer.index) ?? Math.round((offer.basePriceMinor * 1.15) / 100) * 100;
  }

  get currency(): string {
    return this.seller.currency;
  }

  /** One `prices[]` item, applied or refused with the reason Ozon would give. */
  apply(item: Record<string, unknown>, index: number | undefined, now: number): { code: string; message: string } | undefined {
    if (index === undefined) return { code: 'NOT_FOUND', message: 'Product not found' };
    const currency = typeof item.currency_code === 'string' && item.currency_code !== '' ? item.currency_code : 'RUB';
    if (currency !== this.seller.currency) {
      return { code: 'CURRENCY_IS_NOT_VALID', message: `currency_code must be the settlement currency ${this.seller.currency}` };
    }
    // Prices are strings on this method.
    const minor = typeof item.price === 'string' ? decimalToMinor(item.price) : undefined;
    if (minor === undefined || minor <= 0) return { code: 'INVALID_PRICE', message: 'price must be a positive decimal string' };
    const oldMinor = item.old_price === undefined ? this.oldPriceMinor(this.catalog.get(index)) : typeof item.old_price === 'string' ? decimalToMinor(item.old_price) : undefined;
    if (oldMinor === undefined || oldMinor < 0) return { code: 'INVALID_OLD_PRICE', message: 'old_price must be a decimal string' };
    if (oldMinor > 0 && oldMinor - minor < minimumGapMinor(minor)) {
      return { code: 'INVALID_PRICE_DIFFERENCE', message: 'old_price must exceed price by the minimum difference for this price' };
    }
    const recent = (this.changes.get(index) ?? []).filter((t) => now - t < 3_600_000);
    if (recent.length >= 10) return { code: 'TOO_MANY_REQUESTS', message: 'Price may change at most 10 times per hour' };
    this.changes.set(index, [...recent, now]);
    this.oldPrices.set(index, oldMinor);
    this.catalog.update(index, { priceMinor: minor }, now);
    return undefined;
  }
}

/** Which catalog offer a write item names: `offer_id` wins when both are present (spec). */
export function findOffer(catalog: Catalog, item: Record<string, unknown>): number | undefined {
  if (typeof item.offer_id === 'string' && item.offer_id !== '') return catalog.indexOfSku(item.offer_id);
  const id = num(item.product_id);
  const index = id === undefined ? -1 : id - PRODUCT_ID_BASE;
  return Number.isInteger(index) && index >= 0 && index < catalog.size ? index : undefined;
}

/**
 * Ozon does not promise the order of `result`: the simulator answers refused items first, so a
 * client that pairs results with its request by position misattributes them.
 */
export function refusedFirst<T extends { updated: boolean }>(results: T[]): T[] {
  return [...results.filter((r) => !r.updated), ...results.filter((r) => r.updated)];
}

export function importPrices(request: SimRequest, catalog: Catalog, prices: OzonPrices): SimResponse {
  const list = obj(request.body).prices;
  if (!Array.isArray(list) || list.length === 0) return badRequest('prices is required');
  if (list.length > 1000) return badRequest('at most 1000 prices per request');
  const now = Date.now();
  const result = list.map((raw) => {
    const item = obj(raw);
    const index = findOffer(catalog, item);
    const error = prices.apply(item, index, now);
    if (error || index === undefined) {
      return { product_id: num(item.product_id) ?? 0, offer_id: typeof item.offer_id === 'string' ? item.offer_id : '', updated: false, errors: [error] };
    }
    return { product_id: PRODUCT_ID_BASE + index, offer_id: catalog.get(index).sku, updated: true, errors: [] };
  });
  return { status: 200, body: { result: refusedFirst(result) } };
}
