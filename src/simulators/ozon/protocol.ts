/**
 * Ozon Seller API routes: JSON POSTs with Client-Id/Api-Key, rpcStatus errors, last_id and
 * cursor paging, per-item errors inside 200 answers for writes (in no promised order), a 50 req/s
 * global limit plus 80 req/min on /v2/products/stocks, and a 30 s cooldown per product-warehouse
 * stock pair.
 */
import type { IncomingMessage } from 'node:http';
import { int, num, obj } from '../shared/body.js';
import type { Offer } from '../shared/catalog.js';
import { retrySeconds } from '../shared/limits.js';
import type { ChannelProtocol, Route, SimRequest, SimResponse } from '../shared/server.js';
import type { SimContext } from '../shared/simulator.js';
import { fboPosting, fboPostings, fbsPostings } from './postings.js';
import { findOffer, importPrices, OzonPrices, refusedFirst } from './prices.js';
import { productInfoList, renderStocksByType, stocksByWarehouse, warehouseList } from './product-info.js';
import { PRODUCT_ID_BASE, WAREHOUSE_IDS, type MethodFamily, type OzonSeller } from './seller.js';
import { badRequest, decodeLastId, encodeLastId, limitOf, rpc } from './wire.js';

export function ozonProtocol(context: SimContext, seller: OzonSeller): ChannelProtocol {
  const { catalog, orders, credentials } = context;
  const cooldownMs = context.options.stockCooldownMs ?? 30_000;
  const lastStockUpdate = new Map<string, number>();
  const prices = new OzonPrices(catalog, seller);

  /** Catalog indices named by a filter's offer_id or product_id list (strings, or numbers tolerated). */
  const byFilter = (filter: Record<string, unknown>): { indices?: number[]; error?: string } => {
    const offers = Array.isArray(filter.offer_id) && filter.offer_id.length > 0 ? filter.offer_id : undefined;
    const products = Array.isArray(filter.product_id) && filter.product_id.length > 0 ? filter.product_id : undefined;
    if (offers && products) return { error: 'only one of offer_id, product_id may be used' };
    if ((offers?.length ?? 0) > 1000 || (products?.length ?? 0) > 1000) return { error: 'at most 1000 identifiers' };
    if (offers) return { indices: offers.map((o) => catalog.indexOfSku(String(o))).filter((i): i is number => i !== undefined) };
    if (products) {
      return {
        indices: products
          .map((p) => Number(p) - PRODUCT_ID_BASE)
          .filter((i) => Number.isInteger(i) && i >= 0 && i < catalog.size),
      };
    }
    return {};
  };

  const visible = (offer: Offer, visibility: unknown): boolean => {
    if (visibility === undefined || visibility === 'ALL') return true;
    if (visibility === 'ARCHIVED') return offer.status === 'archived';
    if (visibility === 'VISIBLE' || visibility === 'IN_SALE') return offer.status === 'active';
    if (visibility === 'INVISIBLE') return offer.status !== 'active';
    if (visibility === 'EMPTY_STOCK') return offer.stock.every((s) => s === 0);
    return true;
  };

  /** Indices after `after` in id order that pass the filter, at most `limit`. */
  const scan = (filter: Record<string, unknown>, after: number, limit: number): { items: Offer[]; total: number } | { error: string } => {
    const chosen = byFilter(filter);
    if (chosen.error) return { error: chosen.error };
    const items: Offer[] = [];
    if (chosen.indices) {
      const sorted = [...new Set(chosen.indices)].sort((a, b) => a - b).filter((i) => visible(catalog.get(i), filter.visibility));
      for (const index of sorted) if (index > after && items.length < limit) items.push(catalog.get(index));
      return { items, total: sorted.length };
    }
    if (filter.visibility === undefined || filter.visibility === 'ALL') {
      for (let i = after + 1; i < catalog.size && items.length < limit; i += 1) items.push(catalog.get(i));
      return { items, total: catalog.size };
    }
    let total = 0;
    for (let i = 0; i < catalog.size; i += 1) {
      const offer = catalog.get(i);
      if (!visible(offer, filter.visibility)) continue;
      total += 1;
      if (i > after && items.length < limit) items.push(offer);
    }
    return { items, total };
  };

  const productList = (request: SimRequest): SimResponse => {
    const body = obj(request.body);
    const limit = limitOf(body);
    if (limit === undefined) return badRequest('limit must be between 1 and 1000');
    const after = decodeLastId(body.last_id);
    if (after === undefined) return badRequest('invalid last_id');
    const found = scan(obj(body.filter), after, limit);
    if ('error' in found) return badRequest(found.error);
    const page = Math.floor((after + 1) / limit) + 1;
    const items: Array<Record<string, unknown>> = found.items.map((offer) => ({
      product_id: PRODUCT_ID_BASE + offer.index,
      offer_id: offer.sku,
      archived: offer.status === 'archived',
      has_fbo_stocks: offer.index % 3 === 0,
      has_fbs_stocks: offer.stock.some((s) => s > 0),
      is_discounted: false,
      quants: [],
    }));
    if (items.length > 0 && context.malformed(page)) items[0] = { ...items[0], product_id: 'not-a-number', offer_id: null };
    const last = found.items[found.items.length - 1];
    // Like the real API, last_id stays non-empty on the last page.
    return { status: 200, body: { result: { items, total: found.total, last_id: encodeLastId(last ? last.index : after) } } };
  };

  /** Shared paging of the v4 stocks and v5 prices methods (cursor, no `result` wrapper). */
  const cursorPage = (request: SimRequest, render: (offer: Offer) => Record<string, unknown>): SimResponse => {
    const body = obj(request.body);
    const limit = limitOf(body);
    if (limit === undefined) return badRequest('limit must be between 1 and 1000');
    if (body.filter === undefined) return badRequest('filter is required');
    const after = decodeLastId(body.cursor);
    if (after === undefined) return badRequest('invalid cursor');
    const found = scan(obj(body.filter), after, limit);
    if ('error' in found) return badRequest(found.error);
    const last = found.items[found.items.length - 1];
    return {
      status: 200,
      body: { cursor: last ? encodeLastId(last.index) : '', total: found.total, items: found.items.map(render) },
    };
  };

  const renderPrice = (offer: Offer) => {
    const price = offer.priceMinor / 100;
    return {
      product_id: PRODUCT_ID_BASE + offer.index,
      offer_id: offer.sku,
      acquiring: 0,
      volume_weight: 0.4,
      commissions: { sales_percent_fbs: 15, fbs_direct_flow_trans_max_amount: 25, fbs_first_mile_max_amount: 25 },
      marketing_actions: null,
      // v5 answers numbers.
      price: {
        price,
        old_price: prices.oldPriceMinor(offer) / 100,
        min_price: Math.round(price * 0.8),
        marketing_price: price,
        net_price: Math.round(price * 0.6),
        retail_price: price,
        vat: 0.2,
        currency_code: seller.blankPriceCurrency?.includes(offer.index) ? '' : prices.currency,
        auto_action_enabled: false,
      },
      price_indexes: { color_index: 'WITHOUT_INDEX' },
    };
  };

  const updateStocks = (request: SimRequest): SimResponse => {
    const list = obj(request.body).stocks;
    if (!Array.isArray(list) || list.length === 0) return badRequest('stocks is required');
    if (list.length > 100) return badRequest('at most 100 stocks per request');
    const now = Date.now();
    const result = list.map((raw) => {
      const item = obj(raw);
      const index = findOffer(catalog, item);
      const warehouse = num(item.warehouse_id);
      const stock = int(item.stock);
      const base = { product_id: num(item.product_id) ?? 0, offer_id: typeof item.offer_id === 'string' ? item.offer_id : '', warehouse_id: warehouse ?? 0 };
      const error = (code: string, message: string) => ({ ...base, updated: false, errors: [{ code, message }] });
      if (index === undefined) return error('offer_id_not_found', 'Product not found');
      const w = WAREHOUSE_IDS.indexOf(warehouse ?? -1);
      if (w < 0 || w >= catalog.warehouses) return error('WAREHOUSE_NOT_FOUND', 'Warehouse not found');
      if (stock === undefined || stock < 0) return error('INVALID_STOCK', 'stock must be a non-negative integer');
      if (stock >= 1_000_000) return error('STOCK_TOO_BIG', 'stock must be less than 1000000');
      const pair = `${index}:${w}`;
      if (now - (lastStockUpdate.get(pair) ?? -Infinity) < cooldownMs) return error('TOO_MANY_REQUESTS', 'Stock is updated too frequently');
      lastStockUpdate.set(pair, now);
      const offer = catalog.get(index);
      const next = [...offer.stock];
      next[w] = stock;
      catalog.update(index, { stock: next }, now);
      return { ...base, product_id: PRODUCT_ID_BASE + index, offer_id: offer.sku, updated: true, errors: [] };
    });
    return { status: 200, body: { result: refusedFirst(result) } };
  };

  const authenticate = (request: SimRequest): SimResponse | undefined => {
    const clientId = request.headers['client-id'];
    const apiKey = request.headers['api-key'];
    if (typeof clientId !== 'string' || typeof apiKey !== 'string') return rpc(401, 16, 'Client-Id and Api-Key headers are required');
    if (!/^\d+$/.test(clientId)) return rpc(400, 3, 'Client-Id header value should be positive integer');
    if (clientId !== credentials.clientId || apiKey !== credentials.apiKey) return invalidKey();
    return undefined;
  };

  return {
    routes: (
      [
        ['/v3/product/list', 'products', productList],
        ['/v3/product/info/list', 'products', (r) => productInfoList(r, catalog, prices)],
        ['/v4/product/info/stocks', 'prices-stocks', (r) => cursorPage(r, (o) => renderStocksByType(o, seller))],
        ['/v1/product/info/stocks-by-warehouse/fbs', 'prices-stocks', (r) => stocksByWarehouse(r, catalog)],
        ['/v5/product/info/prices', 'prices-stocks', (r) => cursorPage(r, renderPrice)],
        ['/v2/products/stocks', 'prices-stocks', updateStocks, ['stocks-update', 'global']],
        ['/v1/product/import/prices', 'prices-stocks', (r) => importPrices(r, catalog, prices)],
        ['/v1/warehouse/list', 'warehouses', () => warehouseList(seller)],
        ['/v3/posting/fbs/list', 'postings-fbs', (r) => fbsPostings(r, orders, catalog)],
        ['/v2/posting/fbo/list', 'postings-fbo', (r) => fboPostings(r, orders, catalog)],
        ['/v2/posting/fbo/get', 'postings-fbo', (r) => fboPosting(r, orders, catalog)],
      ] as Array<[string, MethodFamily, Route['handle'], string[]?]>
    ).map(([path, family, handle, groups]) => ({
      method: 'POST',
      path,
      groups: groups ?? ['global'],
      handle: seller.deniedFamilies.includes(family) ? () => rpc(403, 7, 'Api-Key is missing a required role for a method') : handle,
    })),
    accountOf: (request: IncomingMessage) => String(request.headers['client-id'] ?? ''),
    authenticate,
    unauthorized: invalidKey,
    tooManyRequests: (_group, retryAfterMs) => ({
      status: 429,
      body: { code: 8, message: 'You have reached request rate limit per second', details: [] },
      // Seen once in the wild as `retry-after: 1`; sent here so clients get to honour it.
      headers: { 'retry-after': retrySeconds(retryAfterMs) },
    }),
    serverError: (status) => rpc(status, 13, 'Internal error'),
    notFound: () => rpc(404, 5, 'Not Found'),
    badRequest,
  };
}

function invalidKey(): SimResponse {
  return rpc(404, 5, 'Invalid Api-Key, please check the key and try again');
}

