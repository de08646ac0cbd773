/**
 * Storefront connector: page/per_page paging, `updated_since` for INCREMENTAL (sorted by
 * updated_at then id, so the next run's watermark picks up anything that moved mid-scan), and
 * bulk `PATCH /api/v1/products` for stock and price (≤100 items, one result per item).
 */
import type {
  Connector,
  ConnectorAccount,
  ConnectorCapabilities,
  ConnectorContext,
  ConnectionResult,
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
import { StorefrontClient } from './client.js';
import { toListing, toOrder } from './mapper.js';
import { bulkAnswer, ordersAnswer, productsAnswer } from './schemas.js';

const MAX_PAGE = 100;
const WRITE_BATCH = 100;
const SKUS_PER_REQUEST = 50; // keeps the query string short

type PagePosition = { page: number } | { chunk: number };
const isPagePosition = (p: unknown): p is PagePosition =>
  typeof p === 'object' && p !== null && (typeof (p as { page?: unknown }).page === 'number' || typeof (p as { chunk?: unknown }).chunk === 'number');

export class StorefrontConnector implements Connector {
  readonly channel = 'STOREFRONT' as const;
  readonly accountId: string;
  readonly capabilities: ConnectorCapabilities;
  private readonly client: StorefrontClient;
  private readonly pageSize: number;
  private readonly currency: string;
  /** Named in the connection check, so a failure says which host it was. */
  private readonly host: string;

  constructor(account: ConnectorAccount, context: ConnectorContext = {}) {
    this.accountId = account.id;
    this.host = new URL(account.baseUrl).host;
    this.client = new StorefrontClient(account, context);
    this.pageSize = pageSizeFor(account.options?.pageSize, MAX_PAGE);
    this.currency = account.options?.currency ?? 'RON';
    this.capabilities = {
      supportsModifiedSince: true,
      ordersModifiedSince: true,
      stockPerWarehouse: false,
      rateLimits: this.client.rateLimits,
    };
  }

  listProducts(query: ListProductsQuery): AsyncIterable<Page<RemoteListing>> {
    const selective = query.mode === 'SELECTIVE';
    const skus = [...new Set(query.skus ?? [])];
    const chunks = Math.ceil(skus.length / SKUS_PER_REQUEST);
    if (selective && chunks === 0) return emptyPages<RemoteListing>();
    const since = query.mode === 'INCREMENTAL' ? query.since?.toISOString() : undefined;
    const start = query.startCursor
      ? decodeCursor(query.startCursor, isPagePosition)
      : { p: selective ? { chunk: 0 } : { page: 1 }, i: 0 };
    return paginate<PagePosition, RemoteListing>({
      start: start.p,
      startIndex: start.i,
      signal: query.signal,
      fetchHead: async (position, _index, signal) => {
        const selectiveChunk = 'chunk' in position ? skus.slice(position.chunk * SKUS_PER_REQUEST, (position.chunk + 1) * SKUS_PER_REQUEST) : undefined;
        const page = 'page' in position ? position.page : 1;
        const answer = await this.client.call(
          {
            method: 'GET',
            path: '/api/v1/products',
            query: {
              page,
              per_page: selectiveChunk ? MAX_PAGE : this.pageSize,
              updated_since: since,
              sku: selectiveChunk?.join(','),
            },
            signal,
            page,
          },
          productsAnswer,
        );
        const { meta } = answer;
        let next: PagePosition | null;
        if ('chunk' in position) next = position.chunk + 1 < chunks ? { chunk: position.chunk + 1 } : null;
        else next = page >= meta.total_pages || answer.data.length === 0 ? null : { page: page + 1 };
        return {
          next,
          totalPages: 'chunk' in position ? chunks : meta.total_pages,
          // SELECTIVE: at most one offer per SKU asked.
          totalItems: 'chunk' in position ? skus.length : meta.total,
          complete: async () => answer.data.map((product) => toListing(product, this.currency)),
        };
      },
    });
  }

  listOrders(query: ListOrdersQuery = {}): AsyncIterable<Page<RemoteOrder>> {
    const start = query.startCursor ? decodeCursor(query.startCursor, isPagePosition) : { p: { page: 1 }, i: 0 };
    return paginate<PagePosition, RemoteOrder>({
      start: start.p,
      startIndex: start.i,
      signal: query.signal,
      fetchHead: async (position, _index, signal) => {
        const page = 'page' in position ? position.page : 1;
        const answer = await this.client.call(
          {
            method: 'GET',
            path: '/api/v1/orders',
            query: { page, per_page: MAX_PAGE, updated_since: query.since?.toISOString() },
            signal,
            page,
          },
          ordersAnswer,
        );
        const last = page >= answer.meta.total_pages || answer.data.length === 0;
        return {
          next: last ? null : { page: page + 1 },
          totalPages: answer.meta.total_pages,
          totalItems: answer.meta.total,
          complete: async () => answer.data.map(toOrder),
        };
      },
    });
  }

  pushStock(updates: StockUpdate[], options: PushOptions = {}): Promise<PushResult[]> {
    return this.patch(updates, options, (update) =>
      Number.isInteger(update.stock) && update.stock >= 0 ? { stock: update.stock } : 'stock must be a non-negative integer',
    );
  }

  pushPrice(updates: PriceUpdate[], options: PushOptions = {}): Promise<PushResult[]> {
    return this.patch(updates, options, (update) =>
      isDecimalString(update.price) && Number(update.price) > 0 ? { price: toDecimal(update.price, 2) } : 'price must be a positive decimal',
    );
  }

  private async patch<U extends { externalId?: string; sku?: string }>(
    updates: U[],
    options: PushOptions,
    build: (update: U) => string | Record<string, unknown>,
  ): Promise<PushResult[]> {
    const results: PushResult[] = new Array(updates.length);
    const ready: Array<{ at: number; body: Record<string, unknown> }> = [];
    updates.forEach((update, at) => {
      const fields = build(update);
      if (!update.externalId && !update.sku) results[at] = failed('externalId or sku is required');
      else if (typeof fields === 'string') results[at] = failed(fields);
      else ready.push({ at, body: { ...(update.externalId ? { id: update.externalId } : { sku: update.sku }), ...fields } });
    });
    for (const batch of chunk(ready, WRITE_BATCH)) {
      try {
        const answer = await this.client.call(
          { method: 'PATCH', path: '/api/v1/products', body: { data: batch.map((entry) => entry.body) }, signal: options.signal },
          bulkAnswer,
        );
        batch.forEach((entry, n) => {
          const item = answer.data[n];
          if (!item) results[entry.at] = failed('no result for this item', 'REMOTE');
          else results[entry.at] = item.ok ? { ok: true } : failed(item.error ? `${item.error.code}: ${item.error.message}` : 'rejected');
        });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        for (const entry of batch) results[entry.at] = failedFromError(error);
      }
    }
    return results;
  }

  /** One check: the products API (the only host; the protocol has no scopes). */
  async testConnection(options: PushOptions = {}): Promise<ConnectionResult> {
    const name = `products API (${this.host})`;
    const result = await probeConnection(
      () => this.client.call({ method: 'GET', path: '/api/v1/products', query: { page: 1, per_page: 1 }, signal: options.signal, retries: 1 }, productsAnswer),
      options.signal,
    );
    if (result.ok) return { ok: true, checks: [{ name, ok: true }] };
    return { ok: false, kind: result.kind, message: `${name}: ${result.message}`, checks: [{ name, ok: false, kind: result.kind, message: result.message }] };
  }
}

