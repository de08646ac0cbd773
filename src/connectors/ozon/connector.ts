/**
 * Ozon Seller API connector. A listing page is /v3/product/list (last_id paging) joined with
 * /v3/product/info/list (name, content, statuses, price and currency, Ozon SKU, FBO units) and then
 * /v1/product/info/stocks-by-warehouse/fbs for those SKUs (units per FBS/rFBS warehouse); the next
 * list request is already in flight while a page is joined. No list method filters by
 * modification time, so INCREMENTAL is a full scan.
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
import { chunk } from '../shared/batching.js';
import { decodeCursor } from '../shared/cursor.js';
import { emptyPages, pageSizeFor, paginate } from '../shared/paging.js';
import { OzonClient } from './client.js';
import { checkConnection } from './connection.js';
import { toListing } from './mapper.js';
import { listPostings } from './orders.js';
import { productInfoAnswer, productListAnswer, warehouseStocksAnswer, type OzonProduct, type OzonWarehouseStock } from './schemas.js';
import { OzonWarehouses } from './warehouses.js';
import { pushPrice, pushStock } from './writes.js';

const MAX_PAGE = 1000;
/**
 * SKUs per /v1/product/info/stocks-by-warehouse/fbs call. The spec states no maximum for this
 * method; 500 keeps well inside the 1000-id cap of its sibling methods.
 */
const STOCK_SKUS = 500;
const LOOKAHEAD = 5;

/** Full scan: `last` is the last_id to send; selective: index of the SKU chunk. */
type ProductPosition = { last: string } | { chunk: number };

const isProductPosition = (p: unknown): p is ProductPosition =>
  typeof p === 'object' && p !== null && (typeof (p as { last?: unknown }).last === 'string' || typeof (p as { chunk?: unknown }).chunk === 'number');

export class OzonConnector implements Connector {
  readonly channel = 'OZON' as const;
  readonly accountId: string;
  readonly capabilities: ConnectorCapabilities;
  private readonly client: OzonClient;
  private readonly pageSize: number;
  private readonly warehouses: OzonWarehouses;

  constructor(account: ConnectorAccount, context: ConnectorContext = {}) {
    this.accountId = account.id;
    this.client = new OzonClient(account, context);
    this.pageSize = pageSizeFor(account.options?.pageSize, MAX_PAGE);
    this.warehouses = new OzonWarehouses(this.client, account.options?.defaultWarehouseId);
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
      // A page is a chain of three dependent requests (list → info → stocks): keep more in flight.
      lookahead: LOOKAHEAD,
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
          // SELECTIVE: at most one product per offer_id asked.
          totalItems: 'chunk' in position ? skus.length : total,
          // The end is a short page: a listing of whole pages ends with an empty one.
          totalPages: 'chunk' in position ? chunks : Math.floor(total / this.pageSize) + 1,
          complete: () => this.joinPage(items, pageIndex + 1, signal),
        };
      },
    });
  }

  /** Info for one page of products, then their stock per FBS warehouse (all on the global budget). */
  private async joinPage(products: OzonProduct[], page: number, signal: AbortSignal): Promise<RemoteListing[]> {
    if (products.length === 0) return [];
    const info = await this.client.call(
      '/v3/product/info/list',
      { product_id: products.map((p) => String(p.product_id)) },
      productInfoAnswer,
      { signal, page },
    );
    const infoById = new Map(info.items.map((item) => [item.id, item]));
    const skus = info.items.flatMap((item) => (item.sku ? [String(item.sku)] : []));
    const answers = await Promise.all(
      chunk(skus, STOCK_SKUS).map((sku) => this.client.call('/v1/product/info/stocks-by-warehouse/fbs', { sku }, warehouseStocksAnswer, { signal, page })),
    );
    const stocksById = new Map<number, OzonWarehouseStock[]>();
    for (const row of answers.flatMap((answer) => answer.result)) stocksById.set(row.product_id, [...(stocksById.get(row.product_id) ?? []), row]);
    return products.map((product) => toListing(product, infoById.get(product.product_id), stocksById.get(product.product_id) ?? []));
  }

  listOrders(query: ListOrdersQuery = {}): AsyncIterable<Page<RemoteOrder>> {
    return listPostings(this.client, query);
  }

  pushStock(updates: StockUpdate[], options: PushOptions = {}): Promise<PushResult[]> {
    return pushStock(this.client, this.warehouses, updates, options);
  }

  pushPrice(updates: PriceUpdate[], options: PushOptions = {}): Promise<PushResult[]> {
    return pushPrice(this.client, updates, options);
  }

  testConnection(options: PushOptions = {}) {
    return checkConnection(this.client, options);
  }
}
