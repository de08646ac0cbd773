/**
 * Ozon stock and price writes. Each item names its product by `product_id` when known, else by
 * `offer_id` — never both, since Ozon then applies `offer_id` (spec) and a stale article would
 * win over the right id. Results carry the ids (and warehouse) but come in no promised order, so
 * they are matched to the request by those, not by position.
 */
import type { PriceUpdate, PushOptions, PushResult, StockUpdate } from '../connector.js';
import { chunk, failed, failedFromError } from '../shared/batching.js';
import { isDecimalString, toDecimal, toUnits } from '../shared/decimal.js';
import type { OzonClient } from './client.js';
import { priceItem, pricesAnswer, updateAnswer, type OzonPriceItem } from './schemas.js';
import type { OzonWarehouses, WarehouseChoice } from './warehouses.js';

const STOCK_BATCH = 100;
const PRICE_BATCH = 1000;

type ProductRef = { product_id: number } | { offer_id: string };
type Entry = { at: number; ref: ProductRef; warehouse?: number; body: Record<string, unknown> };

function refOf(update: { externalId?: string; sku?: string }): ProductRef | undefined {
  if (update.externalId && /^\d+$/.test(update.externalId)) return { product_id: Number(update.externalId) };
  if (update.sku) return { offer_id: update.sku };
  return undefined;
}

const keyOf = (ref: ProductRef, warehouse: number | undefined) =>
  `${'product_id' in ref ? `p:${ref.product_id}` : `o:${ref.offer_id}`}|${warehouse ?? ''}`;

export async function pushStock(
  client: OzonClient,
  warehouses: OzonWarehouses,
  updates: StockUpdate[],
  options: PushOptions,
): Promise<PushResult[]> {
  const results: PushResult[] = new Array(updates.length);
  let fallback: Promise<WarehouseChoice> | undefined;
  const ready: Entry[] = [];
  for (const [at, update] of updates.entries()) {
    const ref = refOf(update);
    if (!ref) results[at] = failed('externalId or sku is required');
    else if (!Number.isInteger(update.stock) || update.stock < 0) results[at] = failed('stock must be a non-negative integer');
    else {
      let warehouse = update.warehouseId;
      if (!warehouse) {
        fallback ??= warehouses.fallback(options.signal);
        let choice: WarehouseChoice;
        try {
          choice = await fallback;
        } catch (error) {
          if (options.signal?.aborted) throw error;
          results[at] = failedFromError(error);
          continue;
        }
        if ('error' in choice) {
          results[at] = failed(choice.error);
          continue;
        }
        warehouse = choice.id;
      }
      if (!/^\d+$/.test(warehouse)) results[at] = failed('warehouseId must be an Ozon warehouse id (digits)');
      else ready.push({ at, ref, warehouse: Number(warehouse), body: { ...ref, stock: update.stock, warehouse_id: Number(warehouse) } });
    }
  }
  // Per-method budget first: it is the narrow one.
  await writeBatches(client, '/v2/products/stocks', 'stocks', ready, STOCK_BATCH, results, options, ['stocks-update', 'global']);
  return results;
}

/**
 * Minimum `old_price − price` in units of 10^-4 (spec, /v1/product/import/prices `price`): 20
 * below 400, 5% from 400 to 10 000, 500 above.
 */
function minimumGap(price: bigint): bigint {
  if (price < toUnits(400)) return toUnits(20);
  if (price <= toUnits(10_000)) return (price * 5n + 99n) / 100n;
  return toUnits(500);
}

/**
 * Prices go with the seller's settlement currency (Ozon assumes RUB otherwise and refuses a
 * mismatch) and with `old_price: "0"` when the current struck-through price would no longer be
 * above the new price by the minimum gap — Ozon refuses such a pair, and a "discount" from a
 * price lower than the new one would mislead buyers. Otherwise `old_price` is left as it is.
 * Both come from /v5/product/info/prices, read for the batch first and judged per item: an item
 * Ozon shows without a usable currency takes the seller's currency from the batch's other items
 * (one seller settles in one currency), or fails alone when the batch shows none.
 */
export async function pushPrice(client: OzonClient, updates: PriceUpdate[], options: PushOptions): Promise<PushResult[]> {
  const results: PushResult[] = new Array(updates.length);
  const valid: Array<{ at: number; ref: ProductRef; price: string }> = [];
  updates.forEach((update, at) => {
    const ref = refOf(update);
    if (!ref) results[at] = failed('externalId or sku is required');
    else if (!isDecimalString(update.price) || Number(update.price) <= 0) results[at] = failed('price must be a positive decimal');
    else valid.push({ at, ref, price: toDecimal(update.price, 2) });
  });
  for (const batch of chunk(valid, PRICE_BATCH)) {
    let current: CurrentPrices;
    try {
      current = await currentPrices(client, batch.map((entry) => entry.ref), options.signal);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      for (const entry of batch) results[entry.at] = failedFromError(error);
      continue;
    }
    const ready: Entry[] = [];
    for (const { at, ref, price } of batch) {
      const key = keyOf(ref, undefined);
      const unreadable = current.unreadable.get(key);
      if (unreadable) {
        results[at] = failed(`Ozon's current price of this product could not be read (/v5/product/info/prices ${unreadable}): price not sent`, 'REMOTE');
        continue;
      }
      const now = current.items.get(key);
      const currency = now ? (usableCurrency(now.price.currency_code) ?? current.sellerCurrency) : undefined;
      if (now && !currency) {
        results[at] = failed(
          `Ozon shows no currency_code for this product's price (got ${JSON.stringify(now.price.currency_code ?? null)}) and no other product of the batch names the seller's currency: price not sent, since Ozon would take it as RUB`,
        );
        continue;
      }
      const old = now?.price.old_price ? toUnits(now.price.old_price) : 0n;
      const clearOld = old > 0n && old - toUnits(price) < minimumGap(toUnits(price));
      ready.push({
        at,
        ref,
        body: {
          ...ref,
          price, // strings on this method
          ...(clearOld ? { old_price: '0' } : {}),
          ...(currency ? { currency_code: currency } : {}),
        },
      });
    }
    await writeBatches(client, '/v1/product/import/prices', 'prices', ready, PRICE_BATCH, results, options, ['global']);
  }
  return results;
}

/** A currency code as the spec lists them (RUB, BYN, KZT, EUR, USD, CNY: three capitals), else undefined. */
const usableCurrency = (code: string | null | undefined) => (code && /^[A-Z]{3}$/.test(code) ? code : undefined);

type CurrentPrices = {
  /** Keyed like the entries. */
  items: Map<string, OzonPriceItem>;
  /** Items Ozon returned in a shape we cannot use, by key: what was wrong. */
  unreadable: Map<string, string>;
  /** The one usable currency the read items show, if they agree on one. */
  sellerCurrency: string | undefined;
};

/** Current prices of the named products (one read per kind of id), each item parsed on its own. */
async function currentPrices(client: OzonClient, refs: ProductRef[], signal?: AbortSignal): Promise<CurrentPrices> {
  const byProduct = refs.flatMap((ref) => ('product_id' in ref ? [String(ref.product_id)] : []));
  const byOffer = refs.flatMap((ref) => ('offer_id' in ref ? [ref.offer_id] : []));
  const reads = [
    byProduct.length > 0 ? { product_id: byProduct } : undefined,
    byOffer.length > 0 ? { offer_id: byOffer } : undefined,
  ].filter((filter) => filter !== undefined);
  const answers = await Promise.all(
    reads.map((filter) => client.call('/v5/product/info/prices', { cursor: '', filter: { ...filter, visibility: 'ALL' }, limit: PRICE_BATCH }, pricesAnswer, { signal })),
  );
  const items = new Map<string, OzonPriceItem>();
  const unreadable = new Map<string, string>();
  const currencies = new Set<string>();
  for (const raw of answers.flatMap((answer) => answer.items)) {
    const parsed = priceItem.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const why = issue ? `${issue.path.join('.') || '(item)'}: ${issue.message}` : 'invalid item';
      for (const key of keysOfRaw(raw)) unreadable.set(key, why);
      continue;
    }
    const item = parsed.data;
    items.set(keyOf({ product_id: item.product_id }, undefined), item);
    items.set(keyOf({ offer_id: item.offer_id }, undefined), item);
    const currency = usableCurrency(item.price.currency_code);
    if (currency) currencies.add(currency);
  }
  return { items, unreadable, sellerCurrency: currencies.size === 1 ? [...currencies][0] : undefined };
}

/** The entry keys an item that failed to parse still names, so that only its own entry fails. */
function keysOfRaw(raw: unknown): string[] {
  if (typeof raw !== 'object' || raw === null) return [];
  const { product_id: productId, offer_id: offerId } = raw as Record<string, unknown>;
  return [
    ...(typeof productId === 'number' ? [keyOf({ product_id: productId }, undefined)] : []),
    ...(typeof offerId === 'string' ? [keyOf({ offer_id: offerId }, undefined)] : []),
  ];
}

/** Ozon answers writes with 200 and one `result` entry per item, carrying its ids. */
async function writeBatches(
  client: OzonClient,
  path: string,
  key: 'stocks' | 'prices',
  ready: Entry[],
  size: number,
  results: PushResult[],
  options: PushOptions,
  budgets: string[],
): Promise<void> {
  for (const batch of chunk(ready, size)) {
    try {
      const answer = await client.call(path, { [key]: batch.map((entry) => entry.body) }, updateAnswer, { signal: options.signal, budgets });
      const waiting = new Map<string, Entry[]>();
      for (const entry of batch) {
        const k = keyOf(entry.ref, entry.warehouse);
        waiting.set(k, [...(waiting.get(k) ?? []), entry]);
      }
      for (const item of answer.result) {
        const warehouse = key === 'stocks' ? (item.warehouse_id ?? undefined) : undefined;
        const candidates = [
          item.product_id ? keyOf({ product_id: item.product_id }, warehouse) : undefined,
          item.offer_id ? keyOf({ offer_id: item.offer_id }, warehouse) : undefined,
        ];
        // A result without its warehouse still names the product: take that product's first waiting entry.
        if (warehouse === undefined) {
          const prefixes = candidates.filter((c) => c !== undefined).map((c) => c.slice(0, c.indexOf('|') + 1));
          candidates.push(...[...waiting.keys()].filter((k) => prefixes.some((prefix) => k.startsWith(prefix))));
        }
        const k = candidates.find((c) => c !== undefined && (waiting.get(c)?.length ?? 0) > 0);
        const entry = k ? waiting.get(k)?.shift() : undefined;
        if (!entry) continue;
        if (item.updated) results[entry.at] = { ok: true };
        else {
          const first = item.errors?.[0];
          const kind = first?.code === 'TOO_MANY_REQUESTS' ? 'RATE_LIMIT' : 'VALIDATION';
          results[entry.at] = failed(first ? `${first.code}${first.message ? `: ${first.message}` : ''}` : 'not updated', kind);
        }
      }
      for (const entry of batch) results[entry.at] ??= failed('no result for this item', 'REMOTE');
    } catch (error) {
      if (options.signal?.aborted) throw error;
      for (const entry of batch) results[entry.at] = failedFromError(error);
    }
  }
}

