/**
 * Ozon postings: /v3/posting/fbs/list (`result.postings` + `has_next`, filters by creation period
 * and by `last_changed_status_date`), /v2/posting/fbo/list (`result` is the array itself, no
 * `has_next`, no status-change filter: only the creation period and one status) and
 * /v2/posting/fbo/get (one FBO posting by number; any other number is not found).
 */
import { int, obj } from '../shared/body.js';
import { minorToDecimal, type Catalog } from '../shared/catalog.js';
import type { NeutralOrderStatus, OrderBook, SimOrder } from '../shared/orders.js';
import type { SimRequest, SimResponse } from '../shared/server.js';
import { isFboOrder, OZON_SKU_BASE, PRODUCT_ID_BASE, WAREHOUSE_IDS } from './seller.js';
import { badRequest, limitOf, rpc } from './wire.js';

const YEAR_MS = 366 * 86_400_000;

const FBS_STATUS: Record<NeutralOrderStatus, string> = {
  new: 'awaiting_packaging',
  processing: 'awaiting_deliver',
  shipped: 'delivering',
  delivered: 'delivered',
  cancelled: 'cancelled',
  returned: 'cancelled',
};
/** FBO knows fewer statuses (spec: awaiting_packaging, awaiting_deliver, delivering, delivered, cancelled). */
const FBO_STATUS = FBS_STATUS;

const postingNumber = (order: SimOrder) => `${70_000_000 + order.id}-0001-1`;

const productLines = (order: SimOrder, catalog: Catalog) =>
  order.lines.map((line) => ({
    sku: OZON_SKU_BASE + line.index,
    offer_id: catalog.get(line.index).sku,
    name: catalog.get(line.index).name,
    quantity: line.quantity,
    currency_code: 'RUB',
  }));

const financialLines = (order: SimOrder) =>
  order.lines.map((line) => ({
    product_id: PRODUCT_ID_BASE + line.index,
    price: line.priceMinor / 100,
    old_price: Math.round((line.priceMinor * 1.15) / 100),
    quantity: line.quantity,
    payout: Math.round(line.priceMinor * 0.85) / 100,
    commission_amount: Math.round(line.priceMinor * 0.15) / 100,
    commission_percent: 15,
    currency_code: 'RUB',
  }));

function renderFbs(order: SimOrder, catalog: Catalog, financial: boolean) {
  return {
    posting_number: postingNumber(order),
    order_id: 700_000_000 + order.id,
    order_number: `${70_000_000 + order.id}-0001`,
    status: FBS_STATUS[order.status],
    substatus: `posting_${FBS_STATUS[order.status]}`,
    in_process_at: new Date(order.createdAt).toISOString(),
    shipment_date: new Date(order.createdAt + 2 * 86_400_000).toISOString(),
    delivering_date: order.status === 'shipped' || order.status === 'delivered' ? new Date(order.updatedAt).toISOString() : null,
    tracking_number: '',
    delivery_method: { id: 1, name: 'Ozon Логистика', warehouse_id: WAREHOUSE_IDS[0], warehouse: 'Main', tpl_provider_id: 24, tpl_provider: 'Ozon Логистика' },
    cancellation:
      order.status === 'cancelled'
        ? { cancel_reason_id: 402, cancel_reason: 'Покупатель отменил заказ', cancellation_type: 'client', cancelled_after_ship: false, affect_cancellation_rating: false, cancellation_initiator: 'Клиент' }
        : null,
    customer: null,
    // FBS prices are strings with six decimals.
    products: productLines(order, catalog).map((line, n) => ({ ...line, price: `${minorToDecimal(order.lines[n]?.priceMinor ?? 0)}0000` })),
    financial_data: financial ? { products: financialLines(order) } : null,
    analytics_data: null,
    barcodes: null,
    is_express: false,
  };
}

function renderFbo(order: SimOrder, catalog: Catalog, financial: boolean) {
  return {
    order_id: 800_000_000 + order.id,
    order_number: `${70_000_000 + order.id}-0001`,
    posting_number: postingNumber(order),
    status: FBO_STATUS[order.status],
    cancel_reason_id: order.status === 'cancelled' ? 402 : 0,
    created_at: new Date(order.createdAt).toISOString(),
    in_process_at: new Date(order.createdAt + 60_000).toISOString(),
    legal_info: { company_name: '', inn: '', kpp: '' },
    products: productLines(order, catalog).map((line, n) => ({
      ...line,
      price: minorToDecimal(order.lines[n]?.priceMinor ?? 0),
      is_marketplace_buyout: false,
      digital_codes: [],
    })),
    analytics_data: null,
    financial_data: financial ? { cluster_from: 'Москва', cluster_to: 'Санкт-Петербург', products: financialLines(order) } : null,
    additional_data: [],
  };
}

type Window = { limit: number; offset: number; since: number; to: number; filter: Record<string, unknown>; body: Record<string, unknown> };

function windowOf(request: SimRequest): Window | SimResponse {
  const body = obj(request.body);
  const filter = obj(body.filter);
  const limit = limitOf(body);
  const offset = int(body.offset ?? 0);
  if (limit === undefined) return badRequest('limit must be between 1 and 1000');
  if (offset === undefined || offset < 0) return badRequest('offset must be a non-negative integer');
  if (offset > 20_000) return badRequest('MAX_OFFSET_EXCEEDED');
  const since = typeof filter.since === 'string' ? Date.parse(filter.since) : NaN;
  const to = typeof filter.to === 'string' ? Date.parse(filter.to) : NaN;
  if (Number.isNaN(since) || Number.isNaN(to)) return badRequest('filter.since and filter.to are required RFC3339 times');
  if (to - since > YEAR_MS) return badRequest('PERIOD_IS_TOO_LONG');
  return { limit, offset, since, to, filter, body };
}

function select(orders: OrderBook, w: Window, fbo: boolean, extra: (order: SimOrder) => boolean): SimOrder[] {
  const statuses = fbo ? FBO_STATUS : FBS_STATUS;
  const status = typeof w.filter.status === 'string' && w.filter.status !== '' ? w.filter.status : undefined;
  const list = orders
    .all()
    .filter(
      (order) =>
        isFboOrder(order.id) === fbo &&
        order.createdAt >= w.since &&
        order.createdAt <= w.to &&
        (status === undefined || statuses[order.status] === status) &&
        extra(order),
    )
    .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
  if (String(w.body.dir).toLowerCase() === 'desc') list.reverse();
  return list;
}

export function fbsPostings(request: SimRequest, orders: OrderBook, catalog: Catalog): SimResponse {
  const w = windowOf(request);
  if ('status' in w) return w;
  const changed = obj(w.filter.last_changed_status_date);
  const from = typeof changed.from === 'string' ? Date.parse(changed.from) : undefined;
  const to = typeof changed.to === 'string' ? Date.parse(changed.to) : undefined;
  const list = select(orders, w, false, (o) => (from === undefined || o.updatedAt >= from) && (to === undefined || o.updatedAt <= to));
  const financial = obj(w.body.with).financial_data === true;
  const page = list.slice(w.offset, w.offset + w.limit).map((order) => renderFbs(order, catalog, financial));
  return { status: 200, body: { result: { postings: page, has_next: w.offset + w.limit < list.length } } };
}

export function fboPostings(request: SimRequest, orders: OrderBook, catalog: Catalog): SimResponse {
  const w = windowOf(request);
  if ('status' in w) return w;
  const list = select(orders, w, true, () => true);
  const financial = obj(w.body.with).financial_data === true;
  return { status: 200, body: { result: list.slice(w.offset, w.offset + w.limit).map((order) => renderFbo(order, catalog, financial)) } };
}

/** One FBO posting by `posting_number`; an FBS or unknown number answers 404 (rpcStatus code 5). */
export function fboPosting(request: SimRequest, orders: OrderBook, catalog: Catalog): SimResponse {
  const body = obj(request.body);
  if (typeof body.posting_number !== 'string' || body.posting_number === '') return badRequest('posting_number is required');
  const match = /^(\d+)-0001-1$/.exec(body.posting_number);
  const order = match ? orders.get(Number(match[1]) - 70_000_000) : undefined;
  if (!order || !isFboOrder(order.id)) return rpc(404, 5, 'posting not found');
  return { status: 200, body: { result: renderFbo(order, catalog, obj(body.with).financial_data === true) } };
}
