/** Storefront transport: Bearer token, JSON, `{ error: { code, message } }` errors, Retry-After on 429. */
import type { z } from 'zod';
import type { ConnectorAccount, ConnectorContext, RateLimitRule } from '../connector.js';
import type { HttpMethod } from '../shared/http-client.js';
import { parseBody } from '../shared/parse.js';
import { buildTransport, joinUrl, requireCredential, type Transport } from '../shared/transport.js';

/** Proposal default: 60 requests a minute per token. */
export const STOREFRONT_RATE_LIMITS: Record<string, RateLimitRule> = {
  default: { limit: 60, periodMs: 60_000 },
};

export class StorefrontClient {
  private readonly transport: Transport;
  private readonly baseUrl: string;

  constructor(account: ConnectorAccount, context: ConnectorContext) {
    const token = requireCredential(account, 'token');
    this.baseUrl = account.baseUrl;
    this.transport = buildTransport(account, context, {
      channel: 'STOREFRONT',
      defaults: STOREFRONT_RATE_LIMITS,
      headers: () => ({ authorization: `Bearer ${token}` }),
    });
  }

  get rateLimits(): Record<string, RateLimitRule> {
    return this.transport.rateLimits;
  }

  async call<S extends z.ZodType>(
    request: {
      method: HttpMethod;
      path: string;
      query?: Record<string, string | number | undefined>;
      body?: unknown;
      signal?: AbortSignal;
      page?: number;
      retries?: number;
    },
    schema: S,
  ): Promise<z.output<S>> {
    const operation = `${request.method} ${request.path}`;
    const response = await this.transport.http.request({
      method: request.method,
      url: joinUrl(this.baseUrl, request.path),
      query: request.query,
      body: request.body,
      budgets: ['default'],
      operation,
      signal: request.signal,
      retries: request.retries,
    });
    return parseBody(schema, response, { channel: 'STOREFRONT', operation, page: request.page });
  }
}
