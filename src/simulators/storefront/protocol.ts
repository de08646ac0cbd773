/**
 * Generic storefront routes (marketplaces.md §4, our own proposal): Bearer auth, page/per_page
 * paging with `meta`, `updated_since` ordered by (updated_at, id), `{error:{code,message}}`
 * errors, 429 with Retry-After, and bulk `PATCH /api/v1/products` for stock and price.
 */
import type { IncomingMessage } from 'node:http';
import { int, obj } from '../shared/body.js';
import { decimalToMinor, minorToDecimal, type Offer } from '../shared/catalog.js';
import type { NeutralOrderStatus, SimOrder } from '../shared/orders.js';
import { retrySeconds } from '../shared/limits.js';
import type { ChannelProtocol, SimRequest, SimResponse } from '../shared/server.js';
import type { SimContext } from '../shared/simulator.js';

const error = (status: number, code: string, message: string, details?: unknown): SimResponse => ({
  status,
  body: { error: { code, message, ...(details === undefined ? {} : { details }) } },
});

const CATEGORIES = ['Furniture', 'Lighting', 'Kitchen', 'Garden', 'Textiles'];

const ORDER_STATUS: Record<NeutralOrderStatus, string> = {
  new: 'pending',
  processing: 'paid',
  shipped: 'shipped',
  delivered: 'delivered',
  cancelled: 'cancelled',
  returned: 'refunded',
};

export function storefrontProtocol(context: SimContext): ChannelProtocol {
  const { catalog, orders, credentials } = context;

  const renderProduct = (offer: Offer) => ({
    id: String(offer.index + 1),
    name: offer.name,
    sku: offer.sku,
    price: minorToDecimal(offer.priceMinor),
    stock: offer.stock.reduce((a, b) => a + b, 0),
    currency: 'RON',
    status: offer.status === 'inactive' ? 'draft' : offer.status,
    updated_at: new Date(offer.updatedAt).toISOString(),
    // Content (optional in the protocol): derived from the offer so every run serves the same.
    description: `${offer.name}. Sold by the shop, shipped from its own warehouse.`,
    brand: offer.brand,
    category: CATEGORIES[offer.index % CATEGORIES.length],
    images: [`https://shop.example/images/${encodeURIComponent(offer.sku)}/1.jpg`, `https://shop.example/images/${encodeURIComponent(offer.sku)}/2.jpg`],
    barcode: offer.ean,
  });

  const paging = (request: SimRequest): { page: number; perPage: number } | SimResponse => {
    const page = int(request.query.get('page') ?? '1');
    const perPage = int(request.query.get('per_page') ?? '50');
    if (page === undefined || page < 1) return error(422, 'invalid_parameter', 'page must be a positive integer');
    if (perPage === undefined || perPage < 1 || perPage > 100) return error(422, 'invalid_parameter', 'per_page must be between 1 and 100');
    return { page, perPage };
  };

  const sinceOf = (request: SimRequest): number | undefined | SimResponse => {
    const value = request.query.get('updated_since');
    if (value === null) return undefined;
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? error(422, 'invalid_parameter', 'updated_since must be an ISO-8601 time') : ms;
  };

  const meta = (page: number, perPage: number, total: number) => ({
    page,
    per_page: perPage,
    total,
    total_pages: Math.ceil(total / perPage),
  });

  const listProducts = (request: SimRequest): SimResponse => {
    const p = paging(request);
    if ('status' in p) return p;
    const since = sinceOf(request);
    if (typeof since === 'object') return since;
    const skuFilter = request.query.getAll('sku').flatMap((s) => s.split(',')).filter((s) => s !== '');
    let data: Offer[];
    let total: number;
    if (skuFilter.length > 0) {
      const all = [...new Set(skuFilter)]
        .map((sku) => catalog.indexOfSku(sku))
        .filter((i): i is number => i !== undefined)
        .sort((a, b) => a - b)
        .map((i) => catalog.get(i))
        .filter((offer) => since === undefined || offer.updatedAt >= since);
      total = all.length;
      data = all.slice((p.page - 1) * p.perPage, p.page * p.perPage);
    } else if (since === undefined) {
      // No filter: id order, stable while offers change.
      total = catalog.size;
      data = [];
      for (let i = (p.page - 1) * p.perPage; i < Math.min(catalog.size, p.page * p.perPage); i += 1) data.push(catalog.get(i));
    } else {
      const view = catalog.updatedView(since);
      total = view.count;
      data = view.slice((p.page - 1) * p.perPage, p.perPage);
    }
    const rendered: Array<Record<string, unknown>> = data.map(renderProduct);
    if (rendered.length > 0 && context.malformed(p.page)) rendered[0] = { ...rendered[0], price: { amount: rendered[0]?.price }, sku: undefined };
    return { status: 200, body: { data: rendered, meta: meta(p.page, p.perPage, total) } };
  };

  const indexOfId = (id: unknown): number | undefined => {
    const n = typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : typeof id === 'number' ? id : NaN;
    return Number.isInteger(n) && n >= 1 && n <= catalog.size ? n - 1 : undefined;
  };

  /** Applies one `{id|sku, stock?, price?}` change; returns an error body or undefined. */
  const applyChange = (change: Record<string, unknown>, index: number | undefined): { code: string; message: string } | undefined => {
    if (index === undefined) return { code: 'not_found', message: 'product not found' };
    const update: Parameters<typeof catalog.update>[1] = {};
    if (change.stock !== undefined) {
      const stock = int(change.stock);
      if (stock === undefined || stock < 0) return { code: 'invalid_stock', message: 'stock must be a non-negative integer' };
      // One stock figure: it all sits in the single warehouse.
      update.stock = catalog.get(index).stock.map((_, w) => (w === 0 ? stock : 0));
    }
    if (change.price !== undefined) {
      const minor = decimalToMinor(change.price);
      if (minor === undefined || minor <= 0) return { code: 'invalid_price', message: 'price must be a positive decimal' };
      update.priceMinor = minor;
    }
    if (update.stock === undefined && update.priceMinor === undefined) return { code: 'nothing_to_update', message: 'send stock or price' };
    catalog.update(index, update);
    return undefined;
  };

  const patchBulk = (request: SimRequest): SimResponse => {
    const list = obj(request.body).data;
    if (!Array.isArray(list) || list.length < 1 || list.length > 100) return error(422, 'invalid_body', 'data must hold 1..100 items');
    const data = list.map((raw) => {
      const change = obj(raw);
      const index = change.id !== undefined ? indexOfId(change.id) : typeof change.sku === 'string' ? catalog.indexOfSku(change.sku) : undefined;
      const problem = applyChange(change, index);
      const ids = { id: index === undefined ? (change.id ?? null) : String(index + 1), sku: index === undefined ? (change.sku ?? null) : catalog.get(index).sku };
      return problem ? { ...ids, ok: false, error: problem } : { ...ids, ok: true };
    });
    return { status: 200, body: { data } };
  };

  const patchOne = (request: SimRequest): SimResponse => {
    const index = indexOfId(request.params.id);
    const problem = applyChange(obj(request.body), index);
    if (problem) return error(problem.code === 'not_found' ? 404 : 422, problem.code, problem.message);
    return { status: 200, body: { data: renderProduct(catalog.get(index as number)) } };
  };

  const getOne = (request: SimRequest): SimResponse => {
    const index = indexOfId(request.params.id);
    return index === undefined ? error(404, 'not_found', 'product not found') : { status: 200, body: { data: renderProduct(catalog.get(index)) } };
  };

  const renderOrder = (order: SimOrder) => {
    const total = order.lines.reduce((sum, line) => sum + line.priceMinor * line.quantity, 0);
    return {
      id: String(order.id),
      status: ORDER_STATUS[order.status],
      customer: { id: `c_${order.id}`, ...order.customer },
      items: order.lines.map((line) => ({
        product_id: String(line.index + 1),
        sku: catalog.get(line.index).sku,
        name: catalog.get(line.index).name,
        quantity: line.quantity,
        price: minorToDecimal(line.priceMinor),
      })),
      total: minorToDecimal(total),
      currency: 'RON',
      created_at: new Date(order.createdAt).toISOString(),
      updated_at: new Date(order.updatedAt).toISOString(),
    };
  };

  const listOrders = (request: SimRequest): SimResponse => {
    const p = paging(request);
    if ('status' in p) return p;
    const since = sinceOf(request);
    if (typeof since === 'object') return since;
    const status = request.query.get('status');
    const list = orders
      .all()
      .filter((o) => (since === undefined || o.updatedAt >= since) && (status === null || ORDER_STATUS[o.status] === status))
      .sort((a, b) => (since === undefined ? a.id - b.id : a.updatedAt - b.updatedAt || a.id - b.id));
    return {
      status: 200,
      body: { data: list.slice((p.page - 1) * p.perPage, p.page * p.perPage).map(renderOrder), meta: meta(p.page, p.perPage, list.length) },
    };
  };

  const tokenOf = (headers: IncomingMessage['headers']) => String(headers.authorization ?? '').replace(/^Bearer\s+/i, '');

  return {
    routes: [
      { method: 'GET', path: '/api/v1/products', groups: ['default'], handle: listProducts },
      { method: 'PATCH', path: '/api/v1/products', groups: ['default'], handle: patchBulk },
      { method: 'GET', path: '/api/v1/products/:id', groups: ['default'], handle: getOne },
      { method: 'PATCH', path: '/api/v1/products/:id', groups: ['default'], handle: patchOne },
      { method: 'GET', path: '/api/v1/orders', groups: ['default'], handle: listOrders },
    ],
    accountOf: (request) => tokenOf(request.headers),
    authenticate: (request) => (tokenOf(request.headers) === credentials.token ? undefined : unauthorized()),
    unauthorized,
    tooManyRequests: (_group, retryAfterMs) => ({
      ...error(429, 'rate_limited', 'Too many requests'),
      headers: { 'Retry-After': retrySeconds(retryAfterMs) },
    }),
    serverError: (status) => error(status, 'internal', 'Something went wrong'),
    notFound: () => error(404, 'not_found', 'No such endpoint'),
    badRequest: (message) => error(400, 'bad_request', message),
  };
}

function unauthorized(): SimResponse {
  return error(401, 'unauthorized', 'Missing or invalid token');
}
