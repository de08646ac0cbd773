/**
 * Wildberries routes for its four hosts on one server: content (cards, cursor paging), prices
 * (goods list, upload tasks and their history), marketplace (warehouses, stocks, FBS orders) and
 * statistics (FBW orders and stock), with token buckets per API group, `X-Ratelimit-*` headers,
 * and the per-API error shapes. A 409 on stocks costs ten requests, as WB counts it. A token
 * limited to some categories (controls.addToken) gets WB's 401 from the others, and from their
 * hosts' /ping when the request names its host (HOST_PREFIXES).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { int, obj } from '../shared/body.js';
import type { Offer } from '../shared/catalog.js';
import type { NeutralOrderStatus, SimOrder } from '../shared/orders.js';
import { intBetween } from '../shared/random.js';
import { retrySeconds } from '../shared/limits.js';
import type { ChannelProtocol, Route, SimRequest, SimResponse } from '../shared/server.js';
import type { SimContext } from '../shared/simulator.js';
import { createControls, type WbCategory } from './controls.js';
import { priceTasks, pricesError } from './prices.js';
import { statisticsRoutes } from './statistics.js';

export const NM_BASE = 100_000_000;
export const CHRT_BASE = 300_000_000;
export const WAREHOUSE_IDS = [507_001, 507_002];

/**
 * One server stands for WB's four hosts. A path prefix named after a host (`/statistics-api/…`)
 * says which host a request was meant for, so a test can give each API its own base URL (see
 * wildberriesHostUrls) and /ping can check the token's category as 01-general.yaml says.
 */
export const HOST_PREFIXES: Record<WbCategory, string> = {
  content: 'content-api',
  prices: 'discounts-prices-api',
  marketplace: 'marketplace-api',
  statistics: 'statistics-api',
};

/** Per-API base URLs of a simulator (account `options.hosts`): each host's /ping then checks the token's category. */
export function wildberriesHostUrls(url: string): Record<WbCategory, string> {
  const base = url.replace(/\/+$/, '');
  return {
    content: `${base}/${HOST_PREFIXES.content}`,
    prices: `${base}/${HOST_PREFIXES.prices}`,
    marketplace: `${base}/${HOST_PREFIXES.marketplace}`,
    statistics: `${base}/${HOST_PREFIXES.statistics}`,
  };
}
const MONTH_S = 30 * 86_400;

/** The 401/429/5xx shape shared by every WB API. */
function problem(status: number, title: string, detail: string): SimResponse {
  return {
    status,
    body: {
      title,
      detail,
      code: `${status}`,
      requestId: randomUUID(),
      origin: 's2s-api-auth',
      status,
      statusText: title,
      timestamp: new Date().toISOString(),
    },
  };
}

const contentError = (status: number, errorText: string): SimResponse => ({
  status,
  body: { data: null, error: true, errorText, additionalErrors: null },
});
const marketError = (status: number, code: string, message: string): SimResponse => ({ status, body: { code, message, data: null } });

const SUPPLIER_STATUS: Record<NeutralOrderStatus, [string, string]> = {
  new: ['new', 'waiting'],
  processing: ['confirm', 'waiting'],
  shipped: ['complete', 'sorted'],
  delivered: ['complete', 'sold'],
  cancelled: ['cancel', 'canceled'],
  returned: ['complete', 'canceled_by_client'],
};

export function wildberriesProtocol(context: SimContext): ChannelProtocol {
  const { catalog, orders, credentials, limits, seed } = context;
  const controls = createControls(catalog);

  const discountOf = (index: number) => intBetween(seed, index, 41, 0, 30);
  const barcodeOf = (offer: Offer) => `20${offer.ean.slice(2)}`;
  const prices = priceTasks(catalog, controls, { base: NM_BASE, chrtBase: CHRT_BASE, discountOf });
  const statistics = statisticsRoutes(catalog, orders, controls, seed, { nmBase: NM_BASE, barcodeOf: (index) => barcodeOf(catalog.get(index)) });

  const renderCard = (offer: Offer) => {
    const at = new Date(catalog.baseTime).toISOString();
    return {
      nmID: NM_BASE + offer.index,
      imtID: 80_000_000 + offer.index,
      nmUUID: `0190${String(offer.index).padStart(8, '0')}-0000-7000-8000-000000000000`,
      subjectID: 100 + (offer.index % 50),
      subjectName: 'Товары для дома',
      vendorCode: offer.sku,
      brand: offer.brand,
      title: offer.name,
      description: `${offer.name}, ${offer.brand}`,
      needKiz: false,
      photos: [{ big: `https://basket.example.test/${offer.sku}/big/1.webp`, square: `https://basket.example.test/${offer.sku}/sq/1.webp` }],
      video: '',
      dimensions: { length: 20, width: 15, height: 10, weightBrutto: 0.8, isValid: true },
      characteristics: [{ id: 14177449, name: 'Цвет', value: ['черный'] }],
      // One size per card: each card is one catalog offer.
      sizes: [{ chrtID: CHRT_BASE + offer.index, techSize: '0', wbSize: '', skus: [barcodeOf(offer)] }],
      tags: [],
      // Card times move only when card content changes, never on price or stock changes.
      createdAt: at,
      updatedAt: at,
    };
  };

  const cardsList = (request: SimRequest): SimResponse => {
    const settings = obj(obj(request.body).settings);
    const cursor = obj(settings.cursor);
    const filter = obj(settings.filter);
    const limit = int(cursor.limit);
    if (limit === undefined || limit < 1 || limit > 100) return contentError(400, 'cursor.limit must be between 1 and 100');
    const ascending = obj(settings.sort).ascending === true;
    const afterNm = int(cursor.nmID);
    const search = typeof filter.textSearch === 'string' ? filter.textSearch.trim() : '';
    let indices: number[];
    let page = 1;
    if (search !== '') {
      // textSearch finds a seller article, a WB article (nmID) or a barcode.
      const bySku = catalog.indexOfSku(search);
      const byNm = /^\d+$/.test(search) ? Number(search) - NM_BASE : -1;
      const byBarcode = /^20\d{11}$/.test(search) ? Number(search.slice(3, 12)) - 1 : -1;
      if (bySku !== undefined) indices = [bySku];
      else if (byNm >= 0 && byNm < catalog.size) indices = [byNm];
      else if (byBarcode >= 0 && byBarcode < catalog.size && barcodeOf(catalog.get(byBarcode)) === search) indices = [byBarcode];
      else indices = [];
      if (afterNm !== undefined) indices = indices.filter((i) => (ascending ? i > afterNm - NM_BASE : i < afterNm - NM_BASE));
    } else {
      indices = [];
      if (ascending) {
        const start = afterNm === undefined ? 0 : afterNm - NM_BASE + 1;
        for (let i = Math.max(0, start); i < catalog.size && indices.length < limit; i += 1) indices.push(i);
        page = Math.floor(Math.max(0, start) / limit) + 1;
      } else {
        const start = afterNm === undefined ? catalog.size - 1 : afterNm - NM_BASE - 1;
        for (let i = Math.min(catalog.size - 1, start); i >= 0 && indices.length < limit; i -= 1) indices.push(i);
        page = Math.floor((catalog.size - 1 - Math.min(catalog.size - 1, start)) / limit) + 1;
      }
    }
    const cards: Array<Record<string, unknown>> = indices.slice(0, limit).map((i) => renderCard(catalog.get(i)));
    if (cards.length > 0 && search === '' && context.malformed(page)) cards[0] = { ...cards[0], nmID: String(cards[0]?.nmID), sizes: null };
    const last = cards[cards.length - 1];
    return {
      status: 200,
      body: {
        cards,
        cursor: { updatedAt: last?.updatedAt ?? cursor.updatedAt ?? null, nmID: last?.nmID ?? afterNm ?? null, total: cards.length },
      },
    };
  };

  /**
   * Failed card creations/edits, one batch per control call, paged as the spec says: `limit` ≤ 100
   * batches, `order.ascending` (default true), the cursor names the last batch of the previous page.
   */
  const cardErrors = (request: SimRequest): SimResponse => {
    const body = obj(request.body);
    const cursor = obj(body.cursor);
    const limit = cursor.limit === undefined ? 100 : int(cursor.limit);
    if (limit === undefined || limit < 1 || limit > 100) return contentError(400, 'cursor.limit must be between 1 and 100');
    const ascending = obj(body.order).ascending !== false;
    const batches = controls.errors.map((batch, n) => ({
      ...batch,
      batchUUID: `0190aaaa-0000-7000-8000-${String(n).padStart(12, '0')}`,
      updatedAt: new Date(catalog.baseTime + n * 1000).toISOString(),
    }));
    if (!ascending) batches.reverse();
    const after = typeof cursor.batchUUID === 'string' ? batches.findIndex((b) => b.batchUUID === cursor.batchUUID) + 1 : 0;
    const page = batches.slice(after, after + limit);
    const last = page.at(-1);
    return {
      status: 200,
      body: {
        data: {
          items: page.map(({ vendorCode, errors, batchUUID }) => ({
            batchUUID,
            subjects: { [vendorCode]: { id: 100, name: 'Товары для дома' } },
            brands: {},
            vendorCodes: [vendorCode],
            errors: { [vendorCode]: errors },
          })),
          cursor: { next: after + limit < batches.length, updatedAt: last?.updatedAt ?? '', batchUUID: last?.batchUUID ?? '' },
        },
        error: false,
        errorText: '',
        additionalErrors: null,
      },
    };
  };

  const renderGoods = (offer: Offer) => {
    const price = offer.priceMinor / 100; // whole roubles in this catalog
    const discount = discountOf(offer.index);
    const discounted = Math.round(price * (100 - discount)) / 100;
    return {
      nmID: NM_BASE + offer.index,
      vendorCode: offer.sku,
      sizes: [{ sizeID: CHRT_BASE + offer.index, price, discountedPrice: discounted, clubDiscountedPrice: discounted, techSizeName: '0' }],
      currencyIsoCode4217: 'RUB',
      discount,
      clubDiscount: 0,
      editableSizePrice: false,
      isBadTurnover: false,
    };
  };

  const nmIndex = (value: unknown): number | undefined => {
    const nm = int(value);
    const index = nm === undefined ? -1 : nm - NM_BASE;
    return index >= 0 && index < catalog.size ? index : undefined;
  };

  const goodsGet = (request: SimRequest): SimResponse => {
    prices.settle();
    const limit = int(request.query.get('limit') ?? undefined);
    const offset = int(request.query.get('offset') ?? '0');
    if (limit === undefined || limit < 1 || limit > 1000) return pricesError(400, 'Invalid request parameters');
    if (offset === undefined || offset < 0) return pricesError(400, 'Invalid request parameters');
    const filterNm = request.query.get('filterNmID');
    let indices: number[] = [];
    if (filterNm !== null) {
      const index = nmIndex(filterNm);
      indices = index === undefined || offset > 0 ? [] : [index];
    } else for (let i = offset; i < Math.min(catalog.size, offset + limit); i += 1) indices.push(i);
    return { status: 200, body: { data: { listGoods: indices.map((i) => renderGoods(catalog.get(i))) }, error: false, errorText: '' } };
  };

  const goodsPost = (request: SimRequest): SimResponse => {
    prices.settle();
    const list = obj(request.body).nmList;
    if (!Array.isArray(list) || list.length < 1 || list.length > 1000) return pricesError(400, 'Invalid request parameters');
    const indices = list.map(nmIndex).filter((i): i is number => i !== undefined);
    return { status: 200, body: { data: { listGoods: indices.map((i) => renderGoods(catalog.get(i))) }, error: false, errorText: '' } };
  };

  const warehousePosition = (request: SimRequest): number | undefined => {
    const position = WAREHOUSE_IDS.indexOf(Number(request.params.warehouseId));
    return position >= 0 && position < catalog.warehouses ? position : undefined;
  };

  const chrtIndex = (value: unknown): number | undefined => {
    const chrt = int(value);
    const index = chrt === undefined ? -1 : chrt - CHRT_BASE;
    return index >= 0 && index < catalog.size ? index : undefined;
  };

  const stocksRead = (request: SimRequest): SimResponse => {
    const w = warehousePosition(request);
    if (w === undefined) return marketError(404, 'NotFound', 'Warehouse not found');
    const body = obj(request.body);
    const chrtIds = Array.isArray(body.chrtIds) ? body.chrtIds : undefined;
    const skus = Array.isArray(body.skus) ? body.skus : undefined;
    const list = chrtIds ?? skus;
    if (!list || list.length < 1 || list.length > 1000) return marketError(400, 'IncorrectRequestBody', 'chrtIds: 1..1000 items');
    const indices = chrtIds
      ? chrtIds.map(chrtIndex)
      : (skus ?? []).map((sku) => {
          const index = typeof sku === 'string' && /^20\d{11}$/.test(sku) ? Number(sku.slice(3, 12)) - 1 : -1;
          return index >= 0 && index < catalog.size ? index : undefined;
        });
    const stocks = indices
      .filter((i): i is number => i !== undefined)
      .map((i) => {
        const offer = catalog.get(i);
        return { chrtId: CHRT_BASE + i, sku: barcodeOf(offer), amount: offer.stock[w] ?? 0 };
      });
    return { status: 200, body: { stocks } };
  };

  const stocksWrite = (request: SimRequest): SimResponse => {
    const w = warehousePosition(request);
    if (w === undefined) return marketError(404, 'NotFound', 'Warehouse not found');
    const list = obj(request.body).stocks;
    if (!Array.isArray(list) || list.length < 1 || list.length > 1000) return marketError(400, 'IncorrectRequestBody', 'stocks: 1..1000 items');
    const warehouseId = WAREHOUSE_IDS[w] as number;
    const busy = controls.processing.get(warehouseId) ?? 0;
    if (busy > 0) {
      controls.processing.set(warehouseId, busy - 1);
      limits.charge(request.account, 'stocks', 9); // a 409 counts as ten requests
      return { status: 409, body: [{ code: 'StoreIsProcessing', message: 'The store is processing' }] };
    }
    // 409 bodies name items as the spec shows them: `{sku: barcode, amount}` (an unknown size
    // has no barcode, so it comes back as it was sent).
    const problems = new Map<string, { code: string; message: string; data: unknown[] }>();
    const reject = (code: string, message: string, item: unknown) => {
      const entry = problems.get(code) ?? { code, message, data: [] };
      entry.data.push(item);
      problems.set(code, entry);
    };
    const changes: Array<[number, number]> = [];
    for (const raw of list) {
      const item = obj(raw);
      // Field names are not validated: an item without chrtId (or legacy sku) is silently ignored.
      if (item.chrtId === undefined && item.sku === undefined) continue;
      const index = item.chrtId !== undefined ? chrtIndex(item.chrtId) : undefined;
      const amount = int(item.amount);
      if (index === undefined) {
        reject('NotFound', 'Not found', { chrtId: item.chrtId, amount: item.amount });
        continue;
      }
      const named = { sku: barcodeOf(catalog.get(index)), amount: item.amount };
      const restriction = controls.restricted.get(CHRT_BASE + index);
      if (amount === undefined || amount < 0 || amount > 100_000) reject('UploadDataLimit', 'Upload limit exceeded.', named);
      else if (restriction) reject(restriction.code, restriction.message, named);
      else changes.push([index, amount]);
    }
    if (problems.size > 0) {
      limits.charge(request.account, 'stocks', 9); // a 409 counts as ten requests
      return { status: 409, body: [...problems.values()] };
    }
    for (const [index, amount] of changes) {
      const stock = [...catalog.get(index).stock];
      stock[w] = amount;
      catalog.update(index, { stock });
    }
    return { status: 204 };
  };

  const renderOrder = (order: SimOrder) => {
    const line = order.lines[0] ?? { index: 0, quantity: 1, priceMinor: 100 };
    const offer = catalog.get(line.index);
    const kopecks = line.priceMinor; // minor units of roubles are kopecks
    const final = Math.round((kopecks * (100 - discountOf(line.index))) / 100);
    return {
      id: 4_000_000_000 + order.id,
      rid: `${order.id}.${order.createdAt}`,
      orderUid: `uid_${Math.ceil(order.id / 2)}`,
      article: offer.sku,
      nmId: NM_BASE + line.index,
      chrtId: CHRT_BASE + line.index,
      skus: [barcodeOf(offer)],
      price: kopecks,
      finalPrice: final,
      convertedPrice: kopecks,
      salePrice: final,
      currencyCode: 643,
      convertedCurrencyCode: 643,
      createdAt: new Date(order.createdAt).toISOString(),
      warehouseId: WAREHOUSE_IDS[0],
      officeId: 15,
      supplyId: order.status === 'new' ? null : `WB-GI-${1000 + (order.id % 50)}`,
      deliveryType: 'fbs',
      cargoType: 1,
      address: null,
      comment: '',
      isZeroOrder: false,
      options: { isB2b: false },
      requiredMeta: [],
    };
  };

  const ordersList = (request: SimRequest): SimResponse => {
    const limit = int(request.query.get('limit') ?? undefined);
    const next = int(request.query.get('next') ?? undefined);
    if (limit === undefined || limit < 1 || limit > 1000) return marketError(400, 'IncorrectParameter', 'limit must be 1..1000');
    if (next === undefined || next < 0) return marketError(400, 'IncorrectParameter', 'next is required');
    const nowS = Math.floor(Date.now() / 1000);
    const from = request.query.has('dateFrom') ? int(request.query.get('dateFrom')) : nowS - MONTH_S;
    const to = request.query.has('dateTo') ? int(request.query.get('dateTo')) : nowS;
    if (from === undefined || to === undefined || to < from) return marketError(400, 'IncorrectParameter', 'dateFrom/dateTo must be unix seconds');
    if (to - from > MONTH_S) return marketError(400, 'IncorrectParameter', 'the period may not exceed 30 days');
    const list = orders
      .all()
      .filter((o) => o.createdAt >= from * 1000 && o.createdAt <= to * 1000 + 999)
      .map(renderOrder)
      .filter((o) => o.id > next)
      .sort((a, b) => a.id - b.id)
      .slice(0, limit);
    return { status: 200, body: { next: list.length > 0 ? (list[list.length - 1]?.id ?? next) : next, orders: list } };
  };

  const ordersNew = (): SimResponse => ({
    status: 200,
    body: { orders: orders.all().filter((o) => o.status === 'new').map(renderOrder) },
  });

  const ordersStatus = (request: SimRequest): SimResponse => {
    const ids = obj(request.body).orders;
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > 1000) return marketError(400, 'IncorrectRequestBody', 'orders: 1..1000 ids');
    const result = ids.flatMap((raw) => {
      const id = int(raw);
      const order = id === undefined ? undefined : orders.get(id - 4_000_000_000);
      if (!order) return [];
      const [supplierStatus, wbStatus] = SUPPLIER_STATUS[order.status];
      return [{ id, supplierStatus, wbStatus }];
    });
    return { status: 200, body: { orders: result } };
  };

  const warehouses = (): SimResponse => ({
    status: 200,
    body: WAREHOUSE_IDS.slice(0, catalog.warehouses).map((id, n) => ({ name: `Склад ${n + 1}`, officeId: 15 + n, id, cargoType: 1, deliveryType: 1 })),
  });

  const tokenOf = (request: { headers: IncomingMessage['headers'] }) =>
    String(request.headers.authorization ?? '').replace(/^Bearer\s+/i, '');

  /** WB answers 401 when the token's categories do not include the API called. */
  const scoped =
    (category: WbCategory, handle: (request: SimRequest) => SimResponse) =>
    (request: SimRequest): SimResponse => {
      const categories = controls.tokens.get(tokenOf(request));
      if (categories && !categories.has(category)) return problem(401, 'unauthorized', `token scope not allowed for this API route: ${category}`);
      return handle(request);
    };

  const ping = (): SimResponse => ({ status: 200, body: { TS: new Date().toISOString(), Status: 'OK' } });
  const categoryRoutes: Array<[WbCategory, Omit<Route, 'handle'> & { handle: (request: SimRequest) => SimResponse }]> = [
    ['content', { method: 'POST', path: '/content/v2/get/cards/list', groups: ['content'], handle: cardsList }],
    ['content', { method: 'POST', path: '/content/v2/cards/error/list', groups: ['contentErrors'], handle: cardErrors }],
    ['prices', { method: 'GET', path: '/api/v2/list/goods/filter', groups: ['prices'], handle: goodsGet }],
    ['prices', { method: 'POST', path: '/api/v2/list/goods/filter', groups: ['prices'], handle: goodsPost }],
    ['prices', { method: 'POST', path: '/api/v2/upload/task', groups: ['prices'], handle: prices.upload }],
    ['prices', { method: 'GET', path: '/api/v2/history/tasks', groups: ['prices'], handle: prices.history }],
    ['prices', { method: 'GET', path: '/api/v2/history/goods/task', groups: ['prices'], handle: prices.historyGoods }],
    ['marketplace', { method: 'GET', path: '/api/v3/warehouses', groups: ['stocks'], handle: warehouses }],
    ['marketplace', { method: 'POST', path: '/api/v3/stocks/:warehouseId', groups: ['stocks'], handle: stocksRead }],
    ['marketplace', { method: 'PUT', path: '/api/v3/stocks/:warehouseId', groups: ['stocks'], handle: stocksWrite }],
    ['marketplace', { method: 'GET', path: '/api/v3/orders/new', groups: ['orders'], handle: ordersNew }],
    ['marketplace', { method: 'GET', path: '/api/v3/orders', groups: ['orders'], handle: ordersList }],
    ['marketplace', { method: 'POST', path: '/api/v3/orders/status', groups: ['orders'], handle: ordersStatus }],
    ['statistics', { method: 'GET', path: '/api/v1/supplier/orders', groups: ['statisticsOrders'], handle: statistics.orders }],
    ['statistics', { method: 'GET', path: '/api/v1/supplier/stocks', groups: ['statisticsStocks'], handle: statistics.stocks }],
  ];
  const categories = Object.keys(HOST_PREFIXES) as WbCategory[];

  return {
    routes: [
      // The bare server stands for every host at once, so its /ping cannot tell which category
      // was meant: it checks the token only. Under a host's prefix it checks the category too.
      { method: 'GET', path: '/ping', groups: ['ping'], handle: ping },
      ...categories.map((category): Route => ({ method: 'GET', path: `/${HOST_PREFIXES[category]}/ping`, groups: ['ping'], handle: scoped(category, ping) })),
      ...categoryRoutes.flatMap(([category, route]) => {
        const handle = scoped(category, route.handle);
        return [
          { ...route, handle },
          { ...route, path: `/${HOST_PREFIXES[category]}${route.path}`, handle },
        ];
      }),
    ],
    accountOf: (request) => tokenOf(request),
    authenticate: (request) => {
      const token = tokenOf(request);
      return token === credentials.token || controls.tokens.has(token) ? undefined : unauthorized();
    },
    unauthorized,
    tooManyRequests: (group, retryAfterMs) => {
      const rule = limits.current[group];
      return {
        ...problem(429, 'too many requests', `limited by ${randomUUID()}`),
        headers: {
          'X-Ratelimit-Retry': retrySeconds(retryAfterMs),
          'X-Ratelimit-Limit': String(rule?.burst ?? rule?.limit ?? 1),
          'X-Ratelimit-Reset': retrySeconds(retryAfterMs),
        },
      };
    },
    limitHeaders: (group, request) => ({ 'X-Ratelimit-Remaining': String(limits.remaining(request.account, group)) }),
    serverError: (status) => problem(status, status === 503 ? 'service unavailable' : 'internal server error', 'try again later'),
    notFound: () => problem(404, 'not found', 'no such method'),
    badRequest: (message) => contentError(400, message),
  };
}

function unauthorized(): SimResponse {
  return problem(401, 'unauthorized', 'token problem; token is malformed or expired');
}
