/**
 * Ozon Seller API routes: JSON POSTs with Client-Id/Api-Key, rpcStatus errors, last_id and
 * cursor paging, per-item errors inside 200 answers for writes, a 50 req/s global limit plus
 * 80 req/min on /v2/products/stocks, and a 30 s cooldown per product-warehouse stock pair.
 */
import type { IncomingMessage } from 'node:http';
import { int, num, obj } from '../shared/body.js';
import { decimalToMinor, minorToDecimal, type Offer } from '../shared/catalog.js';
import type { NeutralOrderStatus, SimOrder } from '../shared/orders.js';
import { retrySeconds } from '../shared/limits.js';
import type { ChannelProtocol, SimRequest, SimResponse } from '../shared/server.js';
import type { SimContext } from '../shared/simulator.js';

export const PRODUCT_ID_BASE = 200_000_000;
export const OZON_SKU_BASE = 900_000_000;
export const WAREHOUSE_IDS = [22_142_605_386_000, 22_142_605_387_000];
const YEAR_MS = 366 * 86_400_000;

const rpc = (status: number, code: number, message: string): SimResponse => ({ status, body: { code, message, details: [] } });

const POSTING_STATUS: Record<NeutralOrderStatus, string> = {
  new: 'awaiting_packaging',
  processing: 'awaiting_deliver',
  shipped: 'delivering',
  delivered: 'delivered',
  cancelled: 'cancelled',
  returned: 'cancelled',
};

function encodeLastId(index: number): string {
  return Buffer.from(`ozon:${index}`).toString('base64');
}

function decodeLastId(value: unknown): number | undefined {
  if (value === undefined || value === '') return -1;
  if (typeof value !== 'string') return undefined;
  const match = /^ozon:(\d+)$/.exec(Buffer.from(value, 'base64').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

export function ozonProtocol(context: SimContext): ChannelProtocol {
  const { catalog, orders, credentials } = context;
  const cooldownMs = context.options.stockCooldownMs ?? 30_000;
  const lastStockUpdate = new Map<string, number>();
  const priceChanges = new Map<number, number[]>();

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

  const limitOf = (body: Record<string, unknown>): number | undefined => {
    const limit = int(body.limit);
    return limit !== undefined && limit >= 1 && limit <= 1000 ? limit : undefined;
  };

  const productList = (request: SimRequest): SimResponse => {
    const body = obj(request.body);
    const limit = limitOf(body);
    if (limit === undefined) return rpc(400, 3, 'limit must be between 1 and 1000');
    const after = decodeLastId(body.last_id);
    if (after === undefined) return rpc(400, 3, 'invalid last_id');
    const found = scan(obj(body.filter), after, limit);
    if ('error' in found) return rpc(400, 3, found.error);
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
    if (limit === undefined) return rpc(400, 3, 'limit must be between 1 and 1000');
    if (body.filter === undefined) return rpc(400, 3, 'filter is required');
    const after = decodeLastId(body.cursor);
    if (after === undefined) return rpc(400, 3, 'invalid cursor');
    const found = scan(obj(body.filter), after, limit);
    if ('error' in found) return rpc(400, 3, found.error);
    const last = found.items[found.items.length - 1];
    return {
      status: 200,
      body: { cursor: last ? encodeLastId(last.index) : '', total: found.total, items: found.items.map(render) },
    };
  };

  const renderStocks = (offer: Offer) => ({
    offer_id: offer.sku,
    product_id: PRODUCT_ID_BASE + offer.index,
    stocks: [
      ...offer.stock.map((units, w) => ({
        type: 'fbs',
        present: units + (w === 0 ? offer.reserved : 0),
        reserved: w === 0 ? offer.reserved : 0,
        sku: OZON_SKU_BASE + offer.index,
        shipment_type: 'SHIPMENT_TYPE_GENERAL',
        warehouse_ids: [String(WAREHOUSE_IDS[w])],
      })),
      ...(offer.index % 3 === 0
        ? [{ type: 'fbo', present: 7, reserved: 0, sku: OZON_SKU_BASE + offer.index, shipment_type: 'SHIPMENT_TYPE_GENERAL', warehouse_ids: [] }]
        : []),
    ],
  });

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
        old_price: Math.round(price * 1.15),
        min_price: Math.round(price * 0.8),
        marketing_price: price,
        net_price: Math.round(price * 0.6),
        retail_price: price,
        vat: 0.2,
        currency_code: 'RUB',
        auto_action_enabled: false,
      },
      price_indexes: { color_index: 'WITHOUT_INDEX' },
    };
  };

  const findOffer = (item: Record<string, unknown>): number | undefined => {
    // offer_id wins when both are present.
    if (typeof item.offer_id === 'string' && item.offer_id !== '') return catalog.indexOfSku(item.offer_id);
    const id = num(item.product_id);
    const index = id === undefined ? -1 : id - PRODUCT_ID_BASE;
    return Number.isInteger(index) && index >= 0 && index < catalog.size ? index : undefined;
  };

  const updateStocks = (request: SimRequest): SimResponse => {
    const list = obj(request.body).stocks;
    if (!Array.isArray(list) || list.length === 0) return rpc(400, 3, 'stocks is required');
    if (list.length > 100) return rpc(400, 3, 'at most 100 stocks per request');
    const now = Date.now();
    const result = list.map((raw) => {
      const item = obj(raw);
      const index = findOffer(item);
      const warehouse = num(item.warehouse_id);
      const stock = int(item.stock);
      const base = { product_id: num(item.product_id) ?? null, offer_id: item.offer_id ?? null, warehouse_id: warehouse ?? null };
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
    return { status: 200, body: { result } };
  };

  const importPrices = (request: SimRequest): SimResponse => {
    const list = obj(request.body).prices;
    if (!Array.isArray(list) || list.length === 0) return rpc(400, 3, 'prices is required');
    if (list.length > 1000) return rpc(400, 3, 'at most 1000 prices per request');
    const now = Date.now();
    const result = list.map((raw) => {
      const item = obj(raw);
      const index = findOffer(item);
      const base = { product_id: num(item.product_id) ?? null, offer_id: item.offer_id ?? null };
      const error = (code: string, message: string) => ({ ...base, updated: false, errors: [{ code, message }] });
      if (index === undefined) return error('NOT_FOUND', 'Product not found');
      // Prices are strings on this method.
      const minor = typeof item.price === 'string' ? decimalToMinor(item.price) : undefined;
      if (minor === undefined || minor <= 0) return error('INVALID_PRICE', 'price must be a positive decimal string');
      const recent = (priceChanges.get(index) ?? []).filter((t) => now - t < 3_600_000);
      if (recent.length >= 10) return error('TOO_MANY_REQUESTS', 'Price may change at most 10 times per hour');
      priceChanges.set(index, [...recent, now]);
      catalog.update(index, { priceMinor: minor }, now);
      return { ...base, product_id: PRODUCT_ID_BASE + index, offer_id: catalog.get(index).sku, updated: true, errors: [] };
    });
    return { status: 200, body: { result } };
  };

  const postingNumber = (order: SimOrder) => `${70_000_000 + order.id}-0001-1`;

  const renderPosting = (order: SimOrder, financial: boolean) => ({
    posting_number: postingNumber(order),
    order_id: 700_000_000 + order.id,
    order_number: `${70_000_000 + order.id}-0001`,
    status: POSTING_STATUS[order.status],
    substatus: `posting_${POSTING_STATUS[order.status]}`,
    in_process_at: new Date(order.createdAt).toISOString(),
    shipment_date: new Date(order.createdAt + 2 * 86_400_000).toISOString(),
    delivering_date: order.status === 'shipped' || order.status === 'delivered' ? new Date(order.updatedAt).toISOString() : null,
    tracking_number: '',
    delivery_method: { id: 1, name: 'Ozon Логистика', warehouse_id: WAREHOUSE_IDS[0], warehouse: 'Main', tpl_provider_id: 24, tpl_provider: 'Ozon Логистика' },
    cancellation: order.status === 'cancelled' ? { cancel_reason_id: 402, cancel_reason: 'Покупатель отменил заказ', cancellation_type: 'client', cancelled_after_ship: false, affect_cancellation_rating: false, cancellation_initiator: 'Клиент' } : null,
    customer: null,
    products: order.lines.map((line) => ({
      sku: OZON_SKU_BASE + line.index,
      offer_id: catalog.get(line.index).sku,
      name: catalog.get(line.index).name,
      quantity: line.quantity,
      price: `${minorToDecimal(line.priceMinor)}0000`,
      currency_code: 'RUB',
    })),
    financial_data: financial
      ? {
          products: order.lines.map((line) => ({
            product_id: PRODUCT_ID_BASE + line.index,
            price: line.priceMinor / 100,
            payout: Math.round(line.priceMinor * 0.85) / 100,
            commission_amount: Math.round(line.priceMinor * 0.15) / 100,
          })),
        }
      : null,
    analytics_data: null,
    barcodes: null,
    is_express: false,
  });

  const postings = (request: SimRequest): SimResponse => {
    const body = obj(request.body);
    const filter = obj(body.filter);
    const limit = limitOf(body);
    const offset = int(body.offset);
    if (limit === undefined) return rpc(400, 3, 'limit must be between 1 and 1000');
    if (offset === undefined || offset < 0) return rpc(400, 3, 'offset is required');
    if (offset > 20_000) return rpc(400, 3, 'MAX_OFFSET_EXCEEDED');
    const since = typeof filter.since === 'string' ? Date.parse(filter.since) : NaN;
    const to = typeof filter.to === 'string' ? Date.parse(filter.to) : NaN;
    if (Number.isNaN(since) || Number.isNaN(to)) return rpc(400, 3, 'filter.since and filter.to are required RFC3339 times');
    if (to - since > YEAR_MS) return rpc(400, 3, 'PERIOD_IS_TOO_LONG');
    const changed = obj(filter.last_changed_status_date);
    const changedFrom = typeof changed.from === 'string' ? Date.parse(changed.from) : undefined;
    const changedTo = typeof changed.to === 'string' ? Date.parse(changed.to) : undefined;
    const status = typeof filter.status === 'string' ? filter.status : undefined;
    const list = orders
      .all()
      .filter(
        (order) =>
          order.createdAt >= since &&
          order.createdAt <= to &&
          (changedFrom === undefined || order.updatedAt >= changedFrom) &&
          (changedTo === undefined || order.updatedAt <= changedTo) &&
          (status === undefined || POSTING_STATUS[order.status] === status),
      )
      .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
    if (body.dir === 'desc') list.reverse();
    const financial = obj(body.with).financial_data === true;
    const page = list.slice(offset, offset + limit).map((order) => renderPosting(order, financial));
    return { status: 200, body: { result: { postings: page, has_next: offset + limit < list.length } } };
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
    routes: [
      { method: 'POST', path: '/v3/product/list', groups: ['global'], handle: productList },
      { method: 'POST', path: '/v4/product/info/stocks', groups: ['global'], handle: (r) => cursorPage(r, renderStocks) },
      { method: 'POST', path: '/v5/product/info/prices', groups: ['global'], handle: (r) => cursorPage(r, renderPrice) },
      { method: 'POST', path: '/v2/products/stocks', groups: ['stocks-update', 'global'], handle: updateStocks },
      { method: 'POST', path: '/v1/product/import/prices', groups: ['global'], handle: importPrices },
      { method: 'POST', path: '/v3/posting/fbs/list', groups: ['global'], handle: postings },
    ],
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
    badRequest: (message) => rpc(400, 3, message),
  };
}

function invalidKey(): SimResponse {
  return rpc(404, 5, 'Invalid Api-Key, please check the key and try again');
}
