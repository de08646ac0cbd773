/**
 * Wildberries transport. Four hosts (content, prices, marketplace, statistics; see hosts.ts), one
 * token in `Authorization` (bare, as the spec says), and rate budgets per API group.
 */
import type { z } from 'zod';
import type { ConnectorAccount, ConnectorContext, RateLimitRule } from '../connector.js';
import type { HttpMethod, RawResponse } from '../shared/http-client.js';
import { parseBody } from '../shared/parse.js';
import { buildTransport, joinUrl, requireCredential, type Transport } from '../shared/transport.js';
import { wbHosts, type WbHost } from './hosts.js';

export type { WbHost };

/**
 * WB token buckets per seller account, as the specs state them for personal and service tokens
 * (each method's "Лимит запросов" table): content 100/min (its cards error list 10/min), prices 10 per 6 s, seller stocks and
 * FBS orders 300/min each, each statistics report 1/min, /ping 3 per 30 s per host. Base and test
 * tokens get lower limits from WB: set the account's rateLimits (same names) to those.
 */
export const WB_RATE_LIMITS: Record<string, RateLimitRule> = {
  content: { limit: 100, periodMs: 60_000 },
  contentErrors: { limit: 10, periodMs: 60_000 },
  prices: { limit: 10, periodMs: 6_000 },
  stocks: { limit: 300, periodMs: 60_000 },
  orders: { limit: 300, periodMs: 60_000 },
  statisticsOrders: { limit: 1, periodMs: 60_000 },
  statisticsStocks: { limit: 1, periodMs: 60_000 },
  'ping-content': { limit: 3, periodMs: 30_000 },
  'ping-prices': { limit: 3, periodMs: 30_000 },
  'ping-marketplace': { limit: 3, periodMs: 30_000 },
  'ping-statistics': { limit: 3, periodMs: 30_000 },
};

export interface WbRequest {
  host: WbHost;
  method: HttpMethod;
  path: string;
  budget: keyof typeof WB_RATE_LIMITS;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  page?: number | string;
  accept?: (status: number) => boolean;
  retries?: number;
}

export class WbClient {
  private readonly transport: Transport;
  readonly hosts: Record<WbHost, string>;

  constructor(account: ConnectorAccount, context: ConnectorContext) {
    const token = requireCredential(account, 'token');
    this.hosts = wbHosts(account);
    this.transport = buildTransport(account, context, {
      channel: 'WILDBERRIES',
      defaults: WB_RATE_LIMITS,
      headers: () => ({ authorization: token }),
    });
  }

  get logger() {
    return this.transport.logger;
  }

  get rateLimits(): Record<string, RateLimitRule> {
    return this.transport.rateLimits;
  }

  raw(request: WbRequest): Promise<RawResponse> {
    return this.transport.http.request({
      method: request.method,
      url: joinUrl(this.hosts[request.host], request.path),
      query: request.query,
      body: request.body,
      budgets: [request.budget],
      operation: `${request.method} ${request.path}`,
      signal: request.signal,
      accept: request.accept,
      retries: request.retries,
    });
  }

  async call<S extends z.ZodType>(request: WbRequest, schema: S): Promise<z.output<S>> {
    const response = await this.raw(request);
    return parseBody(schema, response, {
      channel: 'WILDBERRIES',
      operation: `${request.method} ${request.path}`,
      page: request.page,
    });
  }

  /** A 409 on stocks counts as ten requests against the group. */
  chargeConflict(budget: string): void {
    this.transport.http.consumeExtra(budget, 9);
  }
}
