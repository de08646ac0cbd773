/**
 * eMAG Marketplace connector (MAIN and FBE logins).
 * - Offers have no modified-since filter: INCREMENTAL is a full scan (supportsModifiedSince false).
 * - FBE orders are only returned with `type=2`; MAIN uses `type=3` (the API default).
 * - Stock and price go through `offer/save` in batches of ≤50 (the documented recommendation).
 * - Dates are the platform country's wall clock (option `timeZone`, default by host).
 * - `order/acknowledge` only when the account opts in (an order system must; a reporting one must not).
 */
import type {
  ConnectionResult,
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
import { pageSizeFor, paginate } from '../shared/paging.js';
import { EmagClient } from './client.js';
import { checkConnection } from './connection.js';
import { monthWindow } from './dates.js';
import { toListing, toOrder } from './mapper.js';
import { platformOf, type Platform } from './platform.js';
import { saveBatch, type SaveEntry } from './save.js';
import { countPage, offersPage, ordersPage, saveAnswer, type EmagOffer } from './schemas.js';

const PAGE_SIZE = 100; // eMAG caps itemsPerPage at 100 (offer pages: option pageSize, ≤ 100)
const SAVE_BATCH = 50;
const MAX_STOCK = 65_535;

type OfferPosition = { page: number } | { sku: number };
/** `sweep`: the page of orders still new (status 1), read before the modified windows. */
type OrderPosition = { from: number | null; page: number; sweep?: true };

const isOfferPosition = (p: unknown): p is OfferPosition =>
  typeof p === 'object' && p !== null && (typeof (p as { page?: unknown }).page === 'number' || typeof (p as { sku?: unknown }).sku === 'number');
const isOrderPosition = (p: unknown): p is OrderPosition =>
  typeof p === 'object' && p !== null && typeof (p as { page?: unknown }).page === 'number';

export class EmagConnector implements Connector {
  readonly channel = 'EMAG' as const;
  readonly accountId: string;
  readonly capabilities: ConnectorCapabilities;
  private readonly client: EmagClient;
  private readonly fbe: boolean;
  private readonly defaultWarehouse: number;
  private readonly platform: Platform;
  private readonly pageSize: number;
  /** eMAG has acknowledge for seller-fulfilled orders only (v4.4.9 §5.2). */
  private readonly acknowledges: boolean;

  constructor(account: ConnectorAccount, context: ConnectorContext = {}) {
    this.accountId = account.id;
    this.client = new EmagClient(account, context);
    this.fbe = account.fulfillment === 'FBE';
    this.defaultWarehouse = Number(account.options?.defaultWarehouseId ?? 1);
    this.platform = platformOf(account);
    this.pageSize = pageSizeFor(account.options?.pageSize, PAGE_SIZE);
    this.acknowledges = account.options?.acknowledgeOrders === true && !this.fbe;
    this.capabilities = {
      supportsModifiedSince: false,
      ordersModifiedSince: true,
      stockPerWarehouse: true,
      rateLimits: this.client.rateLimits,
    };
  }

  listProducts(query: ListProductsQuery): AsyncIterable<Page<RemoteListing>> {
    if (query.mode === 'SELECTIVE') return this.listSelected(query);
    return this.scanOffers(query, () => true);
  }

  /** Full scan, `count` first to size the loop (and to report totals). */
  private async *scanOffers(query: ListProductsQuery, keep: (offer: EmagOffer) => boolean, wanted?: number): AsyncGenerator<Page<RemoteListing>> {
    const { signal } = query;
    const start = query.startCursor ? decodeCursor(query.startCursor, isOfferPosition) : { p: { page: 1 }, i: 0 };
    if (!('page' in start.p)) throw new Error('cursor is not an offer scan cursor');
    const count = await this.client.call('product_offer/count', { itemsPerPage: this.pageSize }, countPage, { signal });
    const totalPages = Math.ceil(count.results.noOfItems / this.pageSize);
    // A filtered scan (SELECTIVE) yields at most the offers asked for.
    const totalItems = Math.min(wanted ?? Infinity, count.results.noOfItems);
    yield* paginate<OfferPosition, RemoteListing>({
      start: start.p.page <= totalPages ? start.p : null,
      startIndex: start.i,
      signal,
      fetchHead: async (position, _index, pageSignal) => {
        const page = 'page' in position ? position.page : 1;
        const answer = await this.client.call(
          'product_offer/read',
          { currentPage: page, itemsPerPage: this.pageSize },
          offersPage,
          { signal: pageSignal, page },
        );
        const last = answer.results.length < this.pageSize || page >= totalPages;
        return {
          next: last ? null : { page: page + 1 },
          complete: async () => answer.results.filter(keep).map((offer) => toListing(offer, this.platform)),
          totalPages,
          totalItems,
        };
      },
    });
  }

  /**
   * A few SKUs: one `part_number` read each. Many SKUs (more than the catalog has pages): a
   * filtered full scan costs fewer requests.
   */
  private async *listSelected(query: ListProductsQuery): AsyncGenerator<Page<RemoteListing>> {
    const skus = [...new Set(query.skus ?? [])];
    if (skus.length === 0) return;
    const start = query.startCursor ? decodeCursor(query.startCursor, isOfferPosition) : undefined;
    if (!start || 'page' in start.p) {
      const count = await this.client.call('product_offer/count', { itemsPerPage: this.pageSize }, countPage, {
        signal: query.signal,
      });
      if (start || skus.length > count.results.noOfPages) {
        const wanted = new Set(skus);
        yield* this.scanOffers(query, (offer) => wanted.has(offer.part_number), wanted.size);
        return;
      }
    }
    yield* paginate<OfferPosition, RemoteListing>({
      start: start?.p ?? { sku: 0 },
      startIndex: start?.i ?? 0,
      signal: query.signal,
      fetchHead: async (position, _index, signal) => {
        const at = 'sku' in position ? position.sku : 0;
        const sku = skus[at] as string;
        const answer = await this.client.call('product_offer/read', { part_number: sku, itemsPerPage: PAGE_SIZE }, offersPage, {
          signal,
          page: `sku ${at + 1}`,
        });
        return {
          next: at + 1 < skus.length ? { sku: at + 1 } : null,
          complete: async () => answer.results.filter((o) => o.part_number === sku).map((offer) => toListing(offer, this.platform)),
          totalPages: skus.length,
          totalItems: skus.length,
        };
      },
    });
  }

  listOrders(query: ListOrdersQuery = {}): AsyncIterable<Page<RemoteOrder>> {
    const pages = this.readOrders(query);
    return this.acknowledges ? this.acknowledgeTaken(pages, query.signal) : pages;
  }

  private readOrders(query: ListOrdersQuery): AsyncIterable<Page<RemoteOrder>> {
    // eMAG dates have whole seconds and inclusive bounds: windows are second-aligned and the
    // next one starts a second after the previous one ends.
    const now = Math.floor(Date.now() / 1000) * 1000;
    const from = query.since ? Math.floor(query.since.getTime() / 1000) * 1000 : null;
    // An order left unacknowledged (read while the option was off, or its acknowledge refused) is
    // not in a later modified window: when acknowledging, a listing since a watermark first reads
    // one page of orders still new (v4.4.9 §5.2 recommends such a periodic read).
    const sweep = this.acknowledges && from !== null;
    const start = query.startCursor
      ? decodeCursor(query.startCursor, isOrderPosition)
      : { p: sweep ? { from, page: 1, sweep: true as const } : { from, page: 1 }, i: 0 };
    const type = this.fbe ? 2 : 3;
    return paginate<OrderPosition, RemoteOrder>({
      start: start.p,
      startIndex: start.i,
      signal: query.signal,
      fetchHead: async (position, _index, signal) => {
        if (position.sweep) {
          const answer = await this.client.call('order/read', { type, status: 1, currentPage: 1, itemsPerPage: PAGE_SIZE }, ordersPage, { signal, page: 'new orders' });
          return { next: { from: position.from, page: 1 }, complete: async () => answer.results.map((order) => toOrder(order, this.platform)) };
        }
        const filter: Record<string, unknown> = { type, currentPage: position.page, itemsPerPage: PAGE_SIZE };
        let windowEnd: number | null = null;
        if (position.from !== null) {
          // Calendar-month steps: v4.4.9 allows "Maximum 1 month difference" between the bounds.
          const window = monthWindow(position.from, now, this.platform.zone);
          windowEnd = window.end;
          filter.modifiedAfter = window.after;
          filter.modifiedBefore = window.before;
        }
        const answer = await this.client.call('order/read', filter, ordersPage, { signal, page: position.page });
        let next: OrderPosition | null = null;
        if (answer.results.length === PAGE_SIZE) next = { from: position.from, page: position.page + 1 };
        else if (windowEnd !== null && windowEnd < now) next = { from: windowEnd + 1000, page: 1 };
        return { next, complete: async () => answer.results.map((order) => toOrder(order, this.platform)) };
      },
    });
  }

  /**
   * Acknowledges each new order (status 1) of a page once the consumer has taken the page (it asks
   * for the next one), following v4.4.9 §5.2: read the order, save it, then acknowledge. A page the
   * consumer abandons is not acknowledged. A refused acknowledgement (e.g. the customer cancelled
   * meanwhile) is logged, not thrown: the next listing's page of orders still new reads it again.
   */
  private async *acknowledgeTaken(pages: AsyncIterable<Page<RemoteOrder>>, signal?: AbortSignal): AsyncGenerator<Page<RemoteOrder>> {
    // Within one listing an order can come twice (windows overlap around a DST fall-back); a
    // later listing reads it as status 2.
    const acknowledged = new Set<string>();
    for await (const page of pages) {
      yield page;
      for (const order of page.items) {
        if (order.remoteStatus !== '1' || acknowledged.has(order.externalId)) continue;
        acknowledged.add(order.externalId);
        try {
          await this.client.call(`order/acknowledge/${encodeURIComponent(order.externalId)}`, {}, saveAnswer, { signal });
        } catch (error) {
          if (signal?.aborted) throw error;
          this.client.logger.warn({ order: order.externalId, err: error instanceof Error ? error.message : String(error) }, 'order acknowledge failed');
        }
      }
    }
  }

  async pushStock(updates: StockUpdate[], options: PushOptions = {}): Promise<PushResult[]> {
    if (this.fbe) {
      return updates.map(() => failed('eMAG FBE stock is held in eMAG warehouses; it cannot be pushed'));
    }
    return this.save(updates, options, (update) => {
      if (!Number.isInteger(update.stock) || update.stock < 0 || update.stock > MAX_STOCK) {
        return `stock must be an integer between 0 and ${MAX_STOCK}`;
      }
      const warehouse = Number(update.warehouseId ?? this.defaultWarehouse);
      if (!Number.isInteger(warehouse) || warehouse < 1) return 'warehouseId must be a positive integer';
      return { stock: [{ warehouse_id: warehouse, value: update.stock }] };
    });
  }

  async pushPrice(updates: PriceUpdate[], options: PushOptions = {}): Promise<PushResult[]> {
    return this.save(updates, options, (update) => {
      if (!isDecimalString(update.price) || Number(update.price) <= 0) return 'price must be a positive decimal';
      // eMAG prices are without VAT, up to four decimals.
      return { sale_price: Number(toDecimal(update.price, 4)) };
    });
  }

  /** `offer/save` in batches of ≤50; each entry gets its own outcome (see save.ts). */
  private async save<U extends { externalId?: string }>(
    updates: U[],
    options: PushOptions,
    build: (update: U) => string | Omit<SaveEntry['body'], 'id'>,
  ): Promise<PushResult[]> {
    const results: PushResult[] = new Array(updates.length);
    const ready: Array<{ at: number; entry: SaveEntry }> = [];
    updates.forEach((update, at) => {
      const id = Number(update.externalId);
      if (!update.externalId || !Number.isInteger(id) || id < 1) {
        results[at] = failed('externalId (the eMAG offer id) is required');
        return;
      }
      const fields = build(update);
      if (typeof fields === 'string') results[at] = failed(fields);
      else ready.push({ at, entry: { id, body: { id, ...fields } } });
    });
    for (const batch of chunk(ready, SAVE_BATCH)) {
      let outcomes: PushResult[];
      try {
        outcomes = await saveBatch(this.client, batch.map((b) => b.entry), options.signal);
      } catch (error) {
        if (options.signal?.aborted) throw error;
        outcomes = batch.map(() => failedFromError(error));
      }
      batch.forEach((b, n) => {
        results[b.at] = outcomes[n] as PushResult;
      });
    }
    return results;
  }

  testConnection(options: PushOptions = {}): Promise<ConnectionResult> {
    return checkConnection(this.client, { fbe: this.fbe, acknowledges: this.acknowledges }, options.signal);
  }
}
