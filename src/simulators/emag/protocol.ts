/**
 * eMAG routes: `POST /{resource}/{action}` with the `isError` envelope, Basic auth, offers paged
 * by currentPage/itemsPerPage (≤100), orders filtered by type (FBE 2, MAIN 3) and modified
 * windows of at most a month compared as platform wall-clock texts, `offer/save` batches of ≤50
 * applied entry by entry (a refused entry is named in `messages`; a documentation error is an
 * unnamed `isError` although the entry was applied).
 */
import type { IncomingMessage } from 'node:http';
import { int, obj } from '../shared/body.js';
import { decimalToMinor } from '../shared/catalog.js';
import type { ChannelProtocol, SimRequest, SimResponse } from '../shared/server.js';
import type { SimContext } from '../shared/simulator.js';
import { emagDate, ORDER_STATUS, orderNumber, parseEmagDate, priceBounds, renderOffer, renderOrder, exceedsOneMonth } from './render.js';
import { DOC_FEEDBACK, isDocumentationRejected } from './review.js';

const MAX_VARS = 4000;

const ok = (results: unknown): SimResponse => ({ status: 200, body: { isError: false, messages: [], errors: [], results } });
const fail = (...messages: string[]): SimResponse => ({ status: 200, body: { isError: true, messages, errors: [], results: [] } });

/** The payload under `data` (or the body itself when a client sends it unwrapped). */
function dataOf(request: SimRequest): unknown {
  const body = request.body;
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'data' in body) return (body as { data: unknown }).data;
  return body ?? {};
}

export function emagProtocol(context: SimContext): ChannelProtocol {
  const { catalog, orders, credentials, fulfillment, limits } = context;
  const orderType = fulfillment === 'FBE' ? 2 : 3;
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;

  const withVarsCheck =
    (handler: (request: SimRequest) => SimResponse) =>
    (request: SimRequest): SimResponse =>
      request.formVars > MAX_VARS ? fail(`Maximum input vars of ${MAX_VARS} exceeded`) : handler(request);

  const readOffers = (request: SimRequest): SimResponse => {
    const data = obj(dataOf(request));
    const page = int(data.currentPage) ?? 1;
    const perPage = int(data.itemsPerPage) ?? 100;
    if (perPage < 1 || perPage > 100) return fail('itemsPerPage must be between 1 and 100');
    if (page < 1) return fail('currentPage must be at least 1');
    let indices: number[];
    if (data.id !== undefined) {
      const id = int(data.id);
      indices = id !== undefined && id >= 1 && id <= catalog.size ? [id - 1] : [];
    } else if (typeof data.part_number === 'string') {
      const index = catalog.indexOfSku(data.part_number);
      indices = index === undefined ? [] : [index];
    } else {
      const from = (page - 1) * perPage;
      indices = [];
      for (let i = from; i < Math.min(catalog.size, from + perPage); i += 1) indices.push(i);
    }
    const results = indices.map((index) => renderOffer(catalog.get(index)));
    if (results.length > 0 && context.malformed(page)) {
      // A realistic break: a required field missing and a price of the wrong type.
      const broken = { ...results[0] };
      delete broken.part_number;
      broken.sale_price = { amount: broken.sale_price };
      results[0] = broken;
    }
    return ok(results);
  };

  const countOffers = (request: SimRequest): SimResponse => {
    const data = obj(dataOf(request));
    const perPage = int(data.itemsPerPage) ?? 100;
    if (perPage < 1 || perPage > 100) return fail('itemsPerPage must be between 1 and 100');
    // Strings on purpose: the docs leave open whether count values are numbers or strings.
    return ok({ noOfItems: String(catalog.size), noOfPages: String(Math.ceil(catalog.size / perPage)), itemsPerPage: String(perPage) });
  };

  /**
   * Entry by entry: a valid entry is applied, an invalid one is refused and named in `messages`
   * ("Offer <id>: …"). Any refusal, or a documentation error on an applied entry (not named), makes
   * the answer `isError: true` — which therefore does not mean nothing was saved.
   */
  const saveOffers = (request: SimRequest): SimResponse => {
    const data = dataOf(request);
    const entries = Array.isArray(data) ? data : typeof data === 'object' && data !== null && 'id' in data ? [data] : undefined;
    if (!entries) return fail('data must be a list of offers');
    if (entries.length > 50) return fail('Maximum 50 entities per request');
    const messages: string[] = [];
    for (const raw of entries) {
      const entry = obj(raw);
      const id = int(entry.id);
      if (id === undefined || id < 1 || id > catalog.size) {
        messages.push(`Offer ${String(entry.id)}: id not found (offer/save cannot create offers)`);
        continue;
      }
      const offer = catalog.get(id - 1);
      const problems: string[] = [];
      const change: Parameters<typeof catalog.update>[1] = {};
      if (entry.sale_price !== undefined) {
        const minor = decimalToMinor(entry.sale_price);
        const { min, max } = priceBounds(offer);
        if (minor === undefined || minor <= 0) problems.push('sale_price is not a valid amount');
        else if (minor < min || minor > max) problems.push('sale_price must be between min_sale_price and max_sale_price');
        else change.priceMinor = minor;
      }
      if (entry.stock !== undefined) {
        const list = Array.isArray(entry.stock) ? entry.stock : [entry.stock];
        const stock = [...offer.stock];
        for (const item of list) {
          const warehouse = int(obj(item).warehouse_id);
          const value = int(obj(item).value);
          if (warehouse === undefined || warehouse < 1 || warehouse > stock.length) problems.push('unknown warehouse_id');
          else if (value === undefined || value < 0 || value > 65_535) problems.push('stock value must be 0..65535');
          else stock[warehouse - 1] = value;
        }
        change.stock = stock;
      }
      if (entry.status !== undefined) {
        const status = int(entry.status);
        if (status === undefined || status < 0 || status > 2) problems.push('status must be 0, 1 or 2');
        else change.status = status === 1 ? 'active' : status === 0 ? 'inactive' : 'archived';
      }
      if (problems.length > 0) {
        messages.push(...problems.map((problem) => `Offer ${id}: ${problem}`));
        continue;
      }
      catalog.update(id - 1, change);
      if (isDocumentationRejected(id - 1)) messages.push(`Product documentation has errors: ${DOC_FEEDBACK.message}`);
    }
    return messages.length > 0 ? fail(...messages) : ok([]);
  };

  /** PATCH offer_stock/{id}: `{stock: n}` or `{stock: [{warehouse_id, value}]}`; a `data` wrapper gets a bare 400. */
  const patchStock = (request: SimRequest): SimResponse => {
    const body = obj(request.body);
    const id = int(request.params.id);
    if ('data' in body || body.stock === undefined) return { status: 400, raw: '' };
    if (id === undefined || id < 1 || id > catalog.size) return { status: 404, body: { isError: true, messages: ['Offer not found'] } };
    const offer = catalog.get(id - 1);
    const stock = [...offer.stock];
    if (typeof body.stock === 'number' || typeof body.stock === 'string') {
      const value = int(body.stock);
      if (value === undefined || value < 0 || value > 65_535) return { status: 400, raw: '' };
      stock[0] = value;
    } else if (Array.isArray(body.stock)) {
      for (const item of body.stock) {
        const warehouse = int(obj(item).warehouse_id) ?? 1;
        const value = int(obj(item).value);
        if (value === undefined || value < 0 || value > 65_535 || warehouse < 1 || warehouse > stock.length) return { status: 400, raw: '' };
        stock[warehouse - 1] = value;
      }
    } else return { status: 400, raw: '' };
    catalog.update(id - 1, { stock });
    return ok([]);
  };

  /** order/read and order/count share their filters. */
  const filterOrders = (data: Record<string, unknown>): { error?: string; list: ReturnType<typeof orders.all>[number][] } => {
    const type = data.type === undefined ? 3 : int(data.type);
    const range = (after: unknown, before: unknown, name: string) => {
      const from = after === undefined ? undefined : parseEmagDate(after);
      const to = before === undefined ? undefined : parseEmagDate(before);
      if ((after !== undefined && from === undefined) || (before !== undefined && to === undefined)) {
        return { error: `${name} dates must be YYYY-mm-dd HH:ii:ss` };
      }
      if (to !== undefined && from === undefined) return { error: `${name}Before requires ${name}After` };
      if (from !== undefined && to !== undefined && exceedsOneMonth(from, to)) return { error: `${name} interval cannot exceed one month` };
      return { from, to };
    };
    const created = range(data.createdAfter, data.createdBefore, 'created');
    if ('error' in created) return { error: created.error, list: [] };
    const modified = range(data.modifiedAfter, data.modifiedBefore, 'modified');
    if ('error' in modified) return { error: modified.error, list: [] };
    const statuses = data.status === undefined ? undefined : (Array.isArray(data.status) ? data.status : [data.status]).map(int);
    const id = data.id === undefined ? undefined : int(data.id);
    // eMAG stores whole seconds of platform wall clock and compares the texts, bounds inclusive.
    const list = orders.all().filter((order) => {
      if (type !== orderType) return false;
      if (id !== undefined && orderNumber(order.id, fulfillment) !== id) return false;
      if (statuses && !statuses.includes(ORDER_STATUS[order.status])) return false;
      const createdAt = emagDate(order.createdAt);
      const updatedAt = emagDate(order.updatedAt);
      if (created.from !== undefined && createdAt < created.from) return false;
      if (created.to !== undefined && createdAt > created.to) return false;
      if (modified.from !== undefined && updatedAt < modified.from) return false;
      if (modified.to !== undefined && updatedAt > modified.to) return false;
      return true;
    });
    return { list };
  };

  const readOrders = (request: SimRequest): SimResponse => {
    const data = obj(dataOf(request));
    const page = int(data.currentPage) ?? 1;
    const perPage = int(data.itemsPerPage) ?? 100;
    if (perPage < 1 || perPage > 100) return fail('itemsPerPage must be between 1 and 100');
    if (page < 1 || page > 65_535) return fail('currentPage must be between 1 and 65535');
    const { error, list } = filterOrders(data);
    if (error) return fail(error);
    return ok(list.slice((page - 1) * perPage, page * perPage).map((order) => renderOrder(order, catalog, fulfillment)));
  };

  const countOrders = (request: SimRequest): SimResponse => {
    const data = obj(dataOf(request));
    const perPage = int(data.itemsPerPage) ?? 100;
    const { error, list } = filterOrders(data);
    if (error) return fail(error);
    return ok({ noOfItems: String(list.length), noOfPages: String(Math.ceil(list.length / perPage)), itemsPerPage: String(perPage) });
  };

  const acknowledge = (request: SimRequest): SimResponse => {
    const number = int(request.params.id);
    const order = orders.all().find((o) => orderNumber(o.id, fulfillment) === number);
    if (!order) return fail('Order not found');
    if (orderType !== 3) return fail('Order acknowledge is available only for orders fulfilled by the seller');
    if (order.status === 'new') orders.setStatus(order.id, 'processing');
    return ok([]);
  };

  const findByEans = (request: SimRequest): SimResponse => {
    const eans = request.query.getAll('eans[]').concat(request.query.getAll('eans'));
    if (eans.length > 100) return fail('Maximum 100 EANs per request');
    const results = eans
      .map((ean) => (/^594\d{10}$/.test(ean) ? Number(ean.slice(3, 12)) - 1 : -1))
      .filter((index) => index >= 0 && index < catalog.size)
      .map((index) => ({ eans: catalog.get(index).ean, part_number_key: renderOffer(catalog.get(index)).part_number_key }));
    return ok(results);
  };

  const threeSecond = (group: string) => String(Math.round(((limits.current[group]?.limit ?? 3) * 3000) / (limits.current[group]?.periodMs ?? 1000)));
  const route = (path: string, handle: (request: SimRequest) => SimResponse, method = 'POST') => ({
    method,
    path,
    groups: [groupOf(path)],
    handle: withVarsCheck(handle),
  });

  return {
    routes: [
      route('/api-3/product_offer/read', readOffers),
      route('/api-3/product_offer/count', countOffers),
      route('/api-3/product_offer/save', saveOffers),
      route('/api-3/offer/save', saveOffers),
      route('/api-3/offer_stock/:id', patchStock, 'PATCH'),
      route('/api-3/order/read', readOrders),
      route('/api-3/order/count', countOrders),
      route('/api-3/order/acknowledge/:id', acknowledge),
      route('/api-3/documentation/find_by_eans', findByEans, 'GET'),
    ],
    accountOf: (request: IncomingMessage) => String(request.headers.authorization ?? ''),
    authenticate: (request) => (request.headers.authorization === expected ? undefined : unauthorized()),
    unauthorized,
    tooManyRequests: (group) => ({
      status: 429,
      body: { message: 'API rate limit exceeded' },
      headers: { 'X-RateLimit-Limit-3second': threeSecond(group), 'X-RateLimit-Remaining-3second': '0' },
    }),
    limitHeaders: (group, request) => ({
      'X-RateLimit-Limit-3second': threeSecond(group),
      'X-RateLimit-Remaining-3second': String(limits.remaining(request.account, group)),
    }),
    serverError: (status) => ({ status, body: { isError: true, messages: ['Internal server error'], errors: [] } }),
    notFound: () => ({ status: 404, body: { isError: true, messages: ['Resource not found'], errors: [] } }),
    badRequest: (message) => ({ status: 400, body: { isError: true, messages: [message], errors: [] } }),
  };
}

function groupOf(path: string): string {
  if (path.startsWith('/api-3/order/')) return 'orders';
  if (path.startsWith('/api-3/documentation/')) return 'find_by_eans';
  return 'default';
}

function unauthorized(): SimResponse {
  return { status: 401, body: { isError: true, messages: ['Invalid credentials or IP address not whitelisted'], errors: [], results: [] } };
}
