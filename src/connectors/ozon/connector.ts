/**
 * Ozon Seller API connector. A listing page is /v3/product/list (last_id paging) joined with
 * /v4/product/info/stocks and /v5/product/info/prices for the same product ids; the next list
 * request is already in flight while a page is joined. No list method filters by modification
 * time, so INCREMENTAL is a full scan.
 */
import type {
  Connector,
  ConnectorAccount,
  ConnectorCapabilities,
  ConnectorContext,
  ListOrdersQuery,
  ListProductsQuery,
  Page,
  PriceUpdate,
  PushOptions,
  PushResult,
  RemoteListing,
  RemoteOrder,
  StockUpdate,
} from '../connector.js';
import { chunk, failed, failedFromError } from '../shared/batching.js';
import { decodeCursor } from '../shared/cursor.js';
import { isDecimalString, toDecimal } from '../shared/decimal.js';
import { emptyPages, pageSizeFor, paginate } from '../shared/paging.js';
import { probeConnection } from '../shared/transport.js';
import { OzonClient } from './client.js';
import { toListing, toOrder } from './mapper.js';
import { postingsAnswer, pricesAnswer, productListAnswer, stocksAnswer, updateAnswer, type OzonPosting } from './schemas.js';

const MAX_PAGE = 1000;
const STOCK_BATCH = 100;
const PRICE_BATCH = 1000;
const ORDER_PAGE = 1000;
const MAX_OFFSET = 20_000; // larger offsets answer MAX_OFFSET_EXCEEDED
const YEAR_MS = 365 * 24 * 3600 * 1000;

/** Full scan: `last` is the last_id to send; selective: index of the SKU chunk. */
type ProductPosition = { last: string } | { chunk: number };
/** Postings: a window start (moves forward past 20 000 offsets), offset, and numbers already seen at that start. */
type PostingPosition = { since: number; offset: number; seen: string[] };

const isProductPosition = (p: unknown): p is ProductPosition =>
  typeof p === 'object' && p !== null && (typeof (p as { last?: unknown }).last === 'string' || typeof (p as { chunk?: unknown }).chunk === 'number');
const isPostingPosition = (p: unknown): p is PostingPosition =>
  typeof p === 'object' && p !== null && typeof (p as { since?: unknown }).since === 'number' && typeof (p as { offset?: unknown }).offset === 'number';

export class OzonConnector implements Connector {
  readonly channel = 'OZON' as const;
  readonly accountId: string;
  readonly capabilities: ConnectorCapabilities;
  private readonly client: OzonClient;
  private readonly pageSize: number;
  private readonly defaultWarehouse: string | undefined;

  constructor(account: ConnectorAccount, context: ConnectorContext = {}) {
    this.accountId = account.id;
    this.client = new OzonClient(account, context);
    this.pageSize = pageSizeFor(account.options?.pageSize, MAX_PAGE);
    this.defaultWarehouse = account.options?.defaultWarehouseId;
    this.capabilities = {
      supportsModifiedSince: false,
      ordersModifiedSince: true,
      stockPerWarehouse: true,
      rateLimits: this.client.rateLimits,
    };
  }

  listProducts(query: ListProductsQuery): AsyncIterable<Page<RemoteListing>> {
    const selective = query.mode === 'SELECTIVE';
    const skus = [...new Set(query.skus ?? [])];
    const chunks = selective ? Math.ceil(skus.length / this.pageSize) : 0;
    if (selective && chunks === 0) return emptyPages<RemoteListing>();
    const start = query.startCursor
      ? decodeCursor(query.startCursor, isProductPosition)
      : { p: selective ? { chunk: 0 } : { last: '' }, i: 0 };
    return paginate<ProductPosition, RemoteListing>({
      start: start.p,
      startIndex: start.i,
      signal: query.signal,
      fetchHead: async (position, pageIndex, signal) => {
        const filter: Record<string, unknown> = { visibility: 'ALL' };
        let lastId = '';
        if ('chunk' in position) {
          filter.offer_id = skus.slice(position.chunk * this.pageSize, (position.chunk + 1) * this.pageSize);
        } else {
          lastId = position.last;
        }
        const answer = await this.client.call(
          '/v3/product/list',
          { filter, last_id: lastId, limit: this.pageSize },
          productListAnswer,
          { signal, page: pageIndex + 1 },
        );
        const { items, total } = answer.result;
        let next: ProductPosition | null;
        if ('chunk' in position) next = position.chunk + 1 < chunks ? { chunk: position.chunk + 1 } : null;
        // last_id may stay non-empty on the last page: a short page is the end.
        else next = items.length < this.pageSize || answer.result.last_id === '' ? null : { last: answer.result.last_id };
        return {
          next,
          totalItems: 'chunk' in position ? undefined : total,
          totalPages: 'chunk' in position ? chunks : Math.ceil(total / this.pageSize),
          complete: () => this.joinPage(items, pageIndex + 1, signal),
        };
      },
    });
  }

  /** Stocks and prices for one page of products, in parallel (both count on the global budget). */
  private async joinPage(
    products: Array<{ product_id: number; offer_id: string; archived?: boolean }>,
    page: number,
    signal: AbortSignal,
  ): Promise<RemoteListing[]> {
    if (products.length === 0) return [];
    const filter = { product_id: products.map((p) => String(p.product_id)), visibility: 'ALL' };
    const [stocks, prices] = await Promise.all([
      this.client.call('/v4/product/info/stocks', { cursor: '', filter, limit: products.length }, stocksAnswer, { signal, page }),
      this.client.call('/v5/product/info/prices', { cursor: '', filter, limit: products.length }, pricesAnswer, { signal, page }),
    ]);
    const stockById = new Map(stocks.items.map((item) => [item.product_id, item]));
    const priceById = new Map(prices.items.map((item) => [item.product_id, item]));
    return products.map((product) => toListing(product, stockById.get(product.product_id), priceById.get(product.product_id)));
  }

  listOrders(query: ListOrdersQuery = {}): AsyncIterable<Page<RemoteOrder>> {
    const now = Date.now();
    // The period may span at most a year; status changes are filtered separately.
    const windowStart = now - YEAR_MS + 60_000;
    const start = query.startCursor
      ? decodeCursor(query.startCursor, isPostingPosition)
      : { p: { since: windowStart, offset: 0, seen: [] }, i: 0 };
    return paginate<PostingPosition, RemoteOrder>({
      start: start.p,
      startIndex: start.i,
      signal: query.signal,
      fetchHead: async (position, pageIndex, signal) => {
        const filter: Record<string, unknown> = {
          since: new Date(position.since).toISOString(),
          to: new Date(now).toISOString(),
        };
        if (query.since) {
          filter.last_changed_status_date = { from: query.since.toISOString(), to: new Date(now).toISOString() };
        }
        const answer = await this.client.call(
          '/v3/posting/fbs/list',
          { dir: 'asc', filter, limit: ORDER_PAGE, offset: position.offset, with: { financial_data: true } },
          postingsAnswer,
          { signal, page: pageIndex + 1 },
        );
        const seen = new Set(position.seen);
        const postings = answer.result.postings.filter((p) => !seen.has(p.posting_number));
        return {
          next: answer.result.has_next ? nextPostingPosition(position, answer.result.postings) : null,
          complete: async () => postings.map(toOrder),
        };
      },
    });
  }

  async pushStock(updates: StockUpdate[], options: PushOptions = {}): Promise<PushResult[]> {
    const results: PushResult[] = new Array(updates.length);
    const ready: Array<{ at: number; body: Record<string, unknown> }> = [];
    updates.forEach((update, at) => {
      const warehouse = update.warehouseId ?? this.defaultWarehouse;
      const productId = update.externalId ? Number(update.externalId) : undefined;
      if (!warehouse || !/^\d+$/.test(warehouse)) results[at] = failed('warehouseId (an Ozon warehouse id) is required');
      else if (!update.sku && !(productId && Number.isInteger(productId))) results[at] = failed('externalId or sku is required');
      else if (!Number.isInteger(update.stock) || update.stock < 0) results[at] = failed('stock must be a non-negative integer');
      else {
        ready.push({
          at,
          body: {
            ...(update.sku ? { offer_id: update.sku } : {}),
            ...(productId ? { product_id: productId } : {}),
            stock: update.stock,
            warehouse_id: Number(warehouse),
          },
        });
      }
    });
    // Per-method budget first: it is the narrow one.
    await this.writeBatches('/v2/products/stocks', 'stocks', ready, STOCK_BATCH, results, options, ['stocks-update', 'global']);
    return results;
  }

  async pushPrice(updates: PriceUpdate[], options: PushOptions = {}): Promise<PushResult[]> {
    const results: PushResult[] = new Array(updates.length);
    const ready: Array<{ at: number; body: Record<string, unknown> }> = [];
    updates.forEach((update, at) => {
      if (!update.externalId && !update.sku) results[at] = failed('externalId or sku is required');
      else if (!isDecimalString(update.price) || Number(update.price) <= 0) results[at] = failed('price must be a positive decimal');
      else {
        ready.push({
          at,
          body: {
            ...(update.sku ? { offer_id: update.sku } : {}),
            ...(update.externalId ? { product_id: Number(update.externalId) } : {}),
            price: toDecimal(update.price, 2), // strings on this method
          },
        });
      }
    });
    await this.writeBatches('/v1/product/import/prices', 'prices', ready, PRICE_BATCH, results, options, ['global']);
    return results;
  }

  /** Ozon answers writes with 200 and one `result` entry per item, in request order. */
  private async writeBatches(
    path: string,
    key: 'stocks' | 'prices',
    ready: Array<{ at: number; body: Record<string, unknown> }>,
    size: number,
    results: PushResult[],
    options: PushOptions,
    budgets: string[],
  ): Promise<void> {
    for (const batch of chunk(ready, size)) {
      try {
        const answer = await this.client.call(path, { [key]: batch.map((entry) => entry.body) }, updateAnswer, {
          signal: options.signal,
          budgets,
        });
        batch.forEach((entry, n) => {
          const item = answer.result[n];
          if (!item) results[entry.at] = failed('no result for this item', 'REMOTE');
          else if (item.updated) results[entry.at] = { ok: true };
          else {
            const first = item.errors?.[0];
            const kind = first?.code === 'TOO_MANY_REQUESTS' ? 'RATE_LIMIT' : 'VALIDATION';
            results[entry.at] = failed(first ? `${first.code}${first.message ? `: ${first.message}` : ''}` : 'not updated', kind);
          }
        });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        for (const entry of batch) results[entry.at] = failedFromError(error);
      }
    }
  }

  testConnection(options: PushOptions = {}) {
    return probeConnection(
      () =>
        this.client.call('/v3/product/list', { filter: { visibility: 'ALL' }, last_id: '', limit: 1 }, productListAnswer, {
          signal: options.signal,
          retries: 1,
        }),
      options.signal,
    );
  }
}

/**
 * Next offset, or — before offsets pass 20 000 — a new window starting at the last posting's
 * time, skipping the postings already returned at exactly that time.
 */
function nextPostingPosition(position: PostingPosition, page: OzonPosting[]): PostingPosition {
  const offset = position.offset + page.length;
  const last = page[page.length - 1];
  if (offset + ORDER_PAGE <= MAX_OFFSET || !last) return { ...position, offset };
  const since = Date.parse(last.in_process_at);
  const carried = since === position.since ? position.seen : [];
  const seen = [...carried, ...page.filter((p) => Date.parse(p.in_process_at) === since).map((p) => p.posting_number)];
  return { since, offset: 0, seen };
}

