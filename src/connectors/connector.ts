/**
 * The one interface every marketplace channel implements. Everything here is channel-neutral:
 * vendor wire formats, ids and quirks stay inside `connectors/<vendor>/`.
 */
import type { Redis } from 'ioredis';
import type { Logger } from './shared/logger.js';
import type { BudgetRegistry } from './shared/rate-limit.js';
import type { TargetPolicy } from '../modules/outbound/target-policy.js';
import type { Channel } from './channel-names.js';

export type { Channel };
export type Fulfillment = 'MAIN' | 'FBE';

/** `limit` requests per `periodMs`, for one account and one endpoint class. */
export interface RateLimitRule {
  limit: number;
  periodMs: number;
}

/** Per endpoint class overrides, e.g. `{ orders: { limit: 12, periodMs: 1000 } }`. */
export type RateLimitOverrides = Partial<Record<string, RateLimitRule>>;

/**
 * Non-secret, per-account knobs. Each channel accepts the subset its `channel.ts` `options` schema
 * lists (the API serves that list, the account stores it); everything is optional with a default.
 */
export interface ConnectorOptions {
  /** Items per listing request; default: the vendor's maximum that keeps requests cheap. */
  pageSize?: number;
  /** Wildberries: base URLs of its hosts; each defaults to the vendor's public host (or `baseUrl` for a simulator). */
  hosts?: Partial<Record<'content' | 'prices' | 'marketplace' | 'statistics', string>>;
  /** Warehouse used by pushStock items without one (Ozon, Wildberries, eMAG); default: the only one the seller has. */
  defaultWarehouseId?: string;
  /** Storefront: currency of product prices when the API omits it; default RON. */
  currency?: string;
  /** eMAG: IANA zone of the platform's dates; default by host (.ro Europe/Bucharest, .bg Europe/Sofia, .hu Europe/Budapest). */
  timeZone?: string;
  /** eMAG: acknowledge each new order after reading it (an order system must; a reporting one must not); default false. */
  acknowledgeOrders?: boolean;
}

/** What the app stores per marketplace account (credentials decrypted by the caller). */
export interface ConnectorAccount {
  id: string;
  channel: Channel;
  /** eMAG only: MAIN (seller-fulfilled, order type 3) or FBE (fulfilled by eMAG, type 2). */
  fulfillment?: Fulfillment;
  baseUrl: string;
  /**
   * eMAG `{ username, password }`; Ozon `{ clientId, apiKey }`; Wildberries `{ token }`;
   * storefront `{ token }`. Never logged, never put into error messages.
   */
  credentials: Record<string, string>;
  rateLimits?: RateLimitOverrides;
  options?: ConnectorOptions;
}

/** Process-level collaborators, shared by all connectors of one app instance. */
export interface ConnectorContext {
  /** When given, rate budgets live in Redis so several app instances share them. */
  redis?: Redis;
  /** pino-compatible; default: silent. */
  logger?: Logger;
  /** Where in-process budgets live; default: one registry per process. */
  budgets?: BudgetRegistry;
  /** Attempts after the first on 429, 5xx, timeouts and resets; default 5. */
  retries?: number;
  /** First backoff ceiling in ms (doubles each attempt, full jitter); default 500. */
  retryBaseDelayMs?: number;
  /** Backoff ceiling in ms; default 30000. */
  retryMaxDelayMs?: number;
  /** Per-request timeout in ms, body included; default 30000. */
  timeoutMs?: number;
  /** Fraction of the documented limit the client aims at; default 0.97. */
  headroom?: number;
  /** Told of every HTTP attempt (retries included), e.g. to count calls and 429s; must not throw. */
  onResponse?: HttpObserver;
  /** Outbound target policy at connect (private ranges); absent allows them, for use against local simulators. */
  targets?: TargetPolicy;
}

/**
 * One HTTP attempt as an observer sees it: the answer's status, or why there was none. Kept
 * free of any metrics library so vendor code never depends on one.
 */
export interface HttpObservation {
  /** e.g. `POST /product_offer/read` */
  operation: string;
  /** Absent when no answer came (timeout, connection failure). */
  status?: number;
  failure?: 'TIMEOUT' | 'NETWORK';
  /** From the request's send (after its rate-limit slot) to the end of its body. */
  durationMs: number;
  /** 0 for the first try. */
  attempt: number;
}

export type HttpObserver = (observation: HttpObservation) => void;

export type ListingStatus = 'ACTIVE' | 'INACTIVE' | 'DELISTED';

/** What sellers look at besides price and stock, where the marketplace gives it. */
export interface ListingContent {
  description?: string;
  brand?: string;
  /** The marketplace's category name (or id when it gives no name). */
  category?: string;
  /** Absolute image URLs, main image first. */
  images?: string[];
  /** EAN/GTIN/barcodes as the marketplace stores them. */
  barcodes?: string[];
}

export interface RemoteListing {
  /** The marketplace's id of this offer; opaque, pass it back to pushStock/pushPrice. */
  externalId: string;
  sku: string;
  name: string;
  /** Decimal string, the price the seller controls (what pushPrice sets). */
  price: string;
  /** ISO 4217 alphabetic code. */
  currency: string;
  /** Sellable units over all warehouses. */
  stock: number;
  stockByWarehouse: Record<string, number>;
  status: ListingStatus;
  /** The vendor's own status value, for display and debugging. */
  remoteStatus: string;
  remoteUpdatedAt?: Date;
  /** Absent when this listing call does not read content (the stored content is then kept). */
  content?: ListingContent;
  /**
   * Why the marketplace refuses or hides the offer (validation, moderation, rejection), in its own
   * words; `[]` when it reports none. Absent when this call does not read them (stored ones kept).
   */
  rejectionReasons?: string[];
}

export type OrderStatus = 'NEW' | 'PROCESSING' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED' | 'RETURNED';

export interface RemoteOrderItem {
  sku: string;
  externalProductId: string;
  name?: string;
  quantity: number;
  /** Decimal string, unit price as the customer pays it (VAT included where known). */
  price: string;
}

export interface RemoteOrder {
  externalId: string;
  status: OrderStatus;
  remoteStatus: string;
  customer: { name: string | null; email: string | null; phone: string | null };
  items: RemoteOrderItem[];
  /** Decimal string; computed from the lines where the vendor sends no total (eMAG, Ozon, WB). */
  total: string;
  currency: string;
  placedAt: Date;
  remoteUpdatedAt?: Date;
  /** True for an order shipped from the marketplace's own stock (Ozon FBO, Wildberries FBW); default false. */
  fulfilledByMarketplace?: boolean;
}

export interface Page<T> {
  items: T[];
  /** Opaque token that resumes the listing after this page; null after the last page. */
  cursor: string | null;
  /** 0-based position of this page in the whole listing (kept across resumes). */
  pageIndex: number;
  totalPages?: number;
  totalItems?: number;
}

export type ListMode = 'FULL' | 'INCREMENTAL' | 'SELECTIVE';

export interface ListProductsQuery {
  mode: ListMode;
  /** INCREMENTAL watermark. Ignored (full scan) where `capabilities.supportsModifiedSince` is false. */
  since?: Date;
  /** SELECTIVE: the SKUs to fetch. */
  skus?: string[];
  /** A `cursor` of an earlier page: continue after it. */
  startCursor?: string;
  signal?: AbortSignal;
}

export interface ListOrdersQuery {
  /** Orders created or changed since then; default: the vendor's default window. */
  since?: Date;
  /**
   * External ids of orders the app still holds open (not delivered, cancelled or returned). A
   * connector whose listing cannot see status changes of older orders re-reads these and yields
   * the changed ones too; others ignore it.
   */
  openOrderIds?: string[];
  startCursor?: string;
  signal?: AbortSignal;
}

export interface StockUpdate {
  /** Preferred; the listing's externalId. */
  externalId?: string;
  sku?: string;
  stock: number;
  warehouseId?: string;
}

export interface PriceUpdate {
  externalId?: string;
  sku?: string;
  /** Decimal string. */
  price: string;
}

export type ErrorKind = 'AUTH' | 'NETWORK' | 'RATE_LIMIT' | 'REMOTE' | 'VALIDATION';

/** One result per pushed item, in input order. */
export interface PushResult {
  ok: boolean;
  error?: string;
  errorKind?: ErrorKind;
}

/** One host or scope an account uses, as `testConnection` found it. */
export interface ConnectionCheck {
  /** What was checked, e.g. `content API (content-api.wildberries.ru)` or `orders scope`. */
  name: string;
  ok: boolean;
  /** Set when `ok` is false. */
  kind?: 'AUTH' | 'NETWORK' | 'RATE_LIMIT' | 'REMOTE';
  message?: string;
}

/**
 * The whole answer of `testConnection`: ok when every check the account needs passed (a failed
 * check of an optional capability, e.g. Wildberries statistics for FBW data, is listed with its
 * message and leaves ok true); on failure `kind` and `message` are those of the first failed
 * required check, and `message` names it. `checks` lists every host and scope the account will
 * use, in the order they were tried.
 */
export type ConnectionResult =
  | { ok: true; checks?: ConnectionCheck[] }
  | { ok: false; kind: 'AUTH' | 'NETWORK' | 'RATE_LIMIT' | 'REMOTE'; message: string; checks?: ConnectionCheck[] };

export interface ConnectorCapabilities {
  /** INCREMENTAL narrows the listing server-side; false means INCREMENTAL is a full scan. */
  supportsModifiedSince: boolean;
  /** listOrders({ since }) returns orders whose status changed since, not only new ones. */
  ordersModifiedSince: boolean;
  /** Stock is kept per warehouse, so pushStock wants a warehouseId. */
  stockPerWarehouse: boolean;
  /** Endpoint classes with their effective budgets (after overrides). */
  rateLimits: Record<string, RateLimitRule>;
}

export interface PushOptions {
  signal?: AbortSignal;
}

export interface Connector {
  readonly channel: Channel;
  readonly accountId: string;
  readonly capabilities: ConnectorCapabilities;
  /** Offers page by page, in the marketplace's own pagination. A malformed page throws. */
  listProducts(query: ListProductsQuery): AsyncIterable<Page<RemoteListing>>;
  listOrders(query?: ListOrdersQuery): AsyncIterable<Page<RemoteOrder>>;
  /** Never throws for remote failures: each item reports its own outcome. */
  pushStock(updates: StockUpdate[], options?: PushOptions): Promise<PushResult[]>;
  pushPrice(updates: PriceUpdate[], options?: PushOptions): Promise<PushResult[]>;
  testConnection(options?: PushOptions): Promise<ConnectionResult>;
}
