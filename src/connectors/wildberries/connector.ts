/**
 * Wildberries connector. A listing page is one cards page (content host, cursor paging) joined
 * with its prices (prices host, `nmList`), its stocks per seller warehouse (marketplace host) and
 * the WB-held (FBW) stock of the statistics report (read once per 30 minutes, as WB refreshes
 * it) and the errors of failed card edits (rejection reasons). Prices and stocks changes do not touch a card's updatedAt, so a modified-since scan of
 * cards would miss them: INCREMENTAL is a full scan (supportsModifiedSince false).
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
import { chunk, failed } from '../shared/batching.js';
import { decodeCursor } from '../shared/cursor.js';
import { ConnectorError } from '../shared/errors.js';
import { emptyPages, pageSizeFor, paginate } from '../shared/paging.js';
import { readCardErrors } from './card-errors.js';
import { WbClient } from './client.js';
import { checkWbConnection } from './connection.js';
import { FBW_PREFIX, parseWbExternalId, toListings, wbSizeRef, type WbSizeRef } from './mapper.js';
import { listWbOrders } from './orders.js';
import { TtlMemo } from './memo.js';
import { pushWbPrices } from './prices.js';
import { cardsAnswer, goodsAnswer, stocksAnswer, warehousesAnswer, type WbCard } from './schemas.js';
import { readFbwStock, STATISTICS_TTL_MS } from './statistics.js';
import { putWarehouseStocks } from './stock-push.js';

const CARDS_PAGE = 100;
const WRITE_BATCH = 1000;
const MAX_AMOUNT = 100_000;
const WAREHOUSE_TTL_MS = 5 * 60_000;
const MAX_BARCODE_LOOKUPS = 20;
/** The cards error list allows 10 requests a minute; a listing run reads it once. */
const CARD_ERRORS_TTL_MS = 5 * 60_000;

type CardPosition = { updatedAt?: string; nmID?: number } | { sku: number };
type FbwStock = Map<string, Map<string, number>>;

const isCardPosition = (p: unknown): p is CardPosition => typeof p === 'object' && p !== null;

export class WildberriesConnector implements Connector {
  readonly channel = 'WILDBERRIES' as const;
  readonly accountId: string;
  readonly capabilities: ConnectorCapabilities;
  private readonly client: WbClient;
  private readonly pageSize: number;
  private readonly defaultWarehouse: string | undefined;
  private warehouses: { ids: number[]; at: number } | undefined;
  /** Barcode → size of the cards this connector has read; 409s and FBW orders name sizes by barcode. */
  private readonly barcodes = new Map<string, WbSizeRef>();
  private readonly fbwStock = new TtlMemo<FbwStock>(STATISTICS_TTL_MS);
  private readonly cardErrors = new TtlMemo<Map<string, string[]>>(CARD_ERRORS_TTL_MS);

  constructor(account: ConnectorAccount, context: ConnectorContext = {}) {
    this.accountId = account.id;
    this.client = new WbClient(account, context);
    this.pageSize = pageSizeFor(account.options?.pageSize, CARDS_PAGE);
    this.defaultWarehouse = account.options?.defaultWarehouseId;
    this.capabilities = {
      supportsModifiedSince: false,
      ordersModifiedSince: false,
      stockPerWarehouse: true,
      rateLimits: this.client.rateLimits,
    };
  }

  listProducts(query: ListProductsQuery): AsyncIterable<Page<RemoteListing>> {
    const selective = query.mode === 'SELECTIVE';
    const skus = [...new Set(query.skus ?? [])];
    if (selective && skus.length === 0) return emptyPages<RemoteListing>();
    const start = query.startCursor
      ? decodeCursor(query.startCursor, isCardPosition)
      : { p: selective ? { sku: 0 } : {}, i: 0 };
    return paginate<CardPosition, RemoteListing>({
      start: start.p,
      startIndex: start.i,
      signal: query.signal,
      fetchHead: async (position, pageIndex, signal) => {
        if ('sku' in position) {
          const sku = skus[position.sku] as string;
          const cards = await this.cardsPage({ textSearch: sku }, {}, signal, pageIndex + 1);
          const wanted = cards.cards.filter((c) => c.vendorCode === sku || sku.startsWith(`${c.vendorCode}-`));
          return {
            next: position.sku + 1 < skus.length ? { sku: position.sku + 1 } : null,
            totalPages: skus.length,
            // At most one listing per SKU asked (the cards API reports no total for a full scan).
            totalItems: skus.length,
            complete: async () =>
              (await this.joinPage(wanted, signal, pageIndex + 1)).filter((l) => l.sku === sku),
          };
        }
        const answer = await this.cardsPage({}, position, signal, pageIndex + 1);
        // The end is a page shorter than the limit (cursor.total counts this page's cards).
        const done = answer.cursor.total < this.pageSize || answer.cards.length === 0;
        const next = done ? null : { updatedAt: answer.cursor.updatedAt ?? undefined, nmID: answer.cursor.nmID ?? undefined };
        return { next, complete: () => this.joinPage(answer.cards, signal, pageIndex + 1) };
      },
    });
  }

  private cardsPage(filter: Record<string, unknown>, cursor: { updatedAt?: string; nmID?: number }, signal: AbortSignal, page: number) {
    return this.client.call(
      {
        host: 'content',
        method: 'POST',
        path: '/content/v2/get/cards/list',
        query: { locale: 'ru' },
        // Ascending: a card updated mid-scan moves behind the cursor's end and is seen, not skipped.
        body: { settings: { sort: { ascending: true }, filter: { withPhoto: -1, ...filter }, cursor: { limit: this.pageSize, ...cursor } } },
        budget: 'content',
        signal,
        page,
      },
      cardsAnswer,
    );
  }

  /** Prices (one request) and stocks (one per warehouse) of a cards page, in parallel. */
  private async joinPage(cards: WbCard[], signal: AbortSignal, page: number): Promise<RemoteListing[]> {
    if (cards.length === 0) return [];
    this.rememberBarcodes(cards);
    const chrtIds = cards.flatMap((card) => card.sizes.map((size) => size.chrtID));
    const [goods, warehouses, fbw, errors] = await Promise.all([
      this.client.call(
        {
          host: 'prices',
          method: 'POST',
          path: '/api/v2/list/goods/filter',
          body: { nmList: cards.map((card) => card.nmID) },
          budget: 'prices',
          signal,
          page,
        },
        goodsAnswer,
      ),
      this.warehouseIds(signal),
      this.heldStock(signal),
      this.cardErrors.get(() => readCardErrors(this.client, signal)),
    ]);
    const stocks = new Map<number, Map<string, number>>();
    await Promise.all(
      warehouses.map(async (warehouseId) => {
        const answer = await this.client.call(
          { host: 'marketplace', method: 'POST', path: `/api/v3/stocks/${warehouseId}`, body: { chrtIds }, budget: 'stocks', signal, page },
          stocksAnswer,
        );
        for (const entry of answer.stocks) {
          const perWarehouse = stocks.get(entry.chrtId) ?? new Map<string, number>();
          perWarehouse.set(String(warehouseId), entry.amount);
          stocks.set(entry.chrtId, perWarehouse);
        }
      }),
    );
    const goodsById = new Map((goods.data?.listGoods ?? []).map((g) => [g.nmID, g]));
    return cards.flatMap((card) => toListings(card, goodsById.get(card.nmID), stocks, fbw, errors.get(card.vendorCode) ?? []));
  }

  /**
   * WB-held stock, shared by the pages of this connector for 30 minutes. A token without the
   * Statistics category (a seller not using FBW) lists without it rather than failing.
   */
  private heldStock(signal: AbortSignal): Promise<FbwStock> {
    return this.fbwStock.get(() =>
      readFbwStock(this.client, signal).catch((error: unknown) => {
        if (!(error instanceof ConnectorError && error.kind === 'AUTH')) throw error;
        this.client.logger.warn({ operation: error.operation }, 'no Statistics category on this token: WB-held (FBW) stock is not read');
        return new Map() as FbwStock;
      }),
    );
  }

  /** Seller warehouses, cached for a few minutes. */
  private async warehouseIds(signal?: AbortSignal): Promise<number[]> {
    if (this.warehouses && Date.now() - this.warehouses.at < WAREHOUSE_TTL_MS) return this.warehouses.ids;
    const answer = await this.client.call(
      { host: 'marketplace', method: 'GET', path: '/api/v3/warehouses', budget: 'stocks', signal },
      warehousesAnswer,
    );
    this.warehouses = { ids: answer.map((w) => w.id), at: Date.now() };
    return this.warehouses.ids;
  }

  listOrders(query: ListOrdersQuery = {}): AsyncIterable<Page<RemoteOrder>> {
    return listWbOrders(this.client, query, (barcodes, signal) => this.sizesOfBarcodes(barcodes, signal));
  }

  async pushStock(updates: StockUpdate[], options: PushOptions = {}): Promise<PushResult[]> {
    const results: PushResult[] = new Array(updates.length);
    let onlyWarehouse: string | undefined;
    if (!this.defaultWarehouse && updates.some((u) => !u.warehouseId)) {
      try {
        const ids = await this.warehouseIds(options.signal);
        if (ids.length === 1) onlyWarehouse = String(ids[0]);
      } catch (error) {
        if (options.signal?.aborted) throw error;
      }
    }
    const byWarehouse = new Map<string, Array<{ at: number; chrtId: number; amount: number }>>();
    updates.forEach((update, at) => {
      const ids = parseWbExternalId(update.externalId);
      const warehouse = update.warehouseId ?? this.defaultWarehouse ?? onlyWarehouse;
      if (!ids) results[at] = failed('externalId (nmID:chrtID from a listing) is required');
      else if (warehouse?.startsWith(FBW_PREFIX)) results[at] = failed('WB-held (FBW) stock is counted by Wildberries and cannot be pushed');
      else if (!warehouse || !/^\d+$/.test(warehouse)) results[at] = failed('warehouseId is required (the account has several warehouses)');
      else if (!Number.isInteger(update.stock) || update.stock < 0 || update.stock > MAX_AMOUNT) {
        results[at] = failed(`stock must be an integer between 0 and ${MAX_AMOUNT}`);
      } else {
        const group = byWarehouse.get(warehouse) ?? [];
        group.push({ at, chrtId: ids.chrtID, amount: update.stock });
        byWarehouse.set(warehouse, group);
      }
    });
    for (const [warehouse, entries] of byWarehouse) {
      for (const batch of chunk(entries, WRITE_BATCH)) {
        await putWarehouseStocks(this.client, warehouse, batch, results, (barcodes, signal) => this.chrtIdsOfBarcodes(barcodes, signal), options.signal);
      }
    }
    return results;
  }

  /** Sizes of barcodes: from cards listed earlier, else one content search per barcode (at most 20 a call). */
  private async sizesOfBarcodes(barcodes: string[], signal?: AbortSignal): Promise<Map<string, WbSizeRef>> {
    const found = new Map<string, WbSizeRef>();
    for (const barcode of barcodes) {
      const known = this.barcodes.get(barcode);
      if (known !== undefined) found.set(barcode, known);
    }
    for (const barcode of barcodes.filter((b) => !found.has(b)).slice(0, MAX_BARCODE_LOOKUPS)) {
      // A card found earlier in this loop may hold this barcode too.
      const known = this.barcodes.get(barcode);
      if (known === undefined) {
        const answer = await this.cardsPage({ textSearch: barcode }, {}, signal ?? new AbortController().signal, 1);
        this.rememberBarcodes(answer.cards);
      }
      const size = this.barcodes.get(barcode);
      if (size !== undefined) found.set(barcode, size);
    }
    return found;
  }

  private async chrtIdsOfBarcodes(barcodes: string[], signal?: AbortSignal): Promise<Map<string, number>> {
    const sizes = await this.sizesOfBarcodes(barcodes, signal);
    return new Map([...sizes].map(([barcode, size]) => [barcode, size.chrtID]));
  }

  private rememberBarcodes(cards: WbCard[]): void {
    for (const card of cards) for (const size of card.sizes) for (const sku of size.skus ?? []) this.barcodes.set(sku, wbSizeRef(card, size));
  }

  pushPrice(updates: PriceUpdate[], options: PushOptions = {}): Promise<PushResult[]> {
    return pushWbPrices(this.client, updates, options);
  }

  testConnection(options: PushOptions = {}) {
    return checkWbConnection(this.client, options);
  }
}

