/**
 * Ozon transport: `Client-Id` and `Api-Key` headers, every method a JSON POST, rpcStatus
 * errors. Ozon answers a bad Api-Key with 404 code 5 and a malformed Client-Id with 400 code 3;
 * both are credential problems, not missing resources.
 */
import type { z } from 'zod';
import type { ConnectorAccount, ConnectorContext, RateLimitRule } from '../connector.js';
import { AuthError, RemoteError } from '../shared/errors.js';
import type { ErrorMapper } from '../shared/http-client.js';
import { parseBody, tryJson } from '../shared/parse.js';
import { excerpt } from '../shared/redact.js';
import { buildTransport, joinUrl, requireCredential, type Transport } from '../shared/transport.js';
import { rpcStatus } from './schemas.js';

/** 50 req/s per Client-Id over all methods; /v2/products/stocks also 80 req/min. */
export const OZON_RATE_LIMITS: Record<string, RateLimitRule> = {
  global: { limit: 50, periodMs: 1000 },
  'stocks-update': { limit: 80, periodMs: 60_000 },
};

const AUTH_CODES = new Set([3, 5, 7, 16]); // INVALID_ARGUMENT (Client-Id), NOT_FOUND (Api-Key), PERMISSION_DENIED, UNAUTHENTICATED

export class OzonClient {
  private readonly transport: Transport;
  private readonly baseUrl: string;

  constructor(account: ConnectorAccount, context: ConnectorContext) {
    const clientId = requireCredential(account, 'clientId');
    const apiKey = requireCredential(account, 'apiKey');
    this.baseUrl = account.baseUrl;
    const mapError: ErrorMapper = (response, errorContext) => {
      const body = rpcStatus.safeParse(tryJson(response.text));
      if (!body.success) return undefined;
      const message = excerpt(this.transport.http.redactor, body.data.message);
      const authLike =
        response.status === 401 ||
        response.status === 403 ||
        ((response.status === 404 || response.status === 400) &&
          AUTH_CODES.has(body.data.code) &&
          /api-?key|client-id/i.test(body.data.message));
      if (authLike) return new AuthError(`HTTP ${response.status} code ${body.data.code}: ${message}`, errorContext);
      if (response.status >= 400 && response.status < 500 && response.status !== 429 && response.status !== 408) {
        return new RemoteError(`HTTP ${response.status} code ${body.data.code}: ${message}`, errorContext, {
          retryable: false,
          code: String(body.data.code),
        });
      }
      return undefined;
    };
    this.transport = buildTransport(account, context, {
      channel: 'OZON',
      defaults: OZON_RATE_LIMITS,
      headers: () => ({ 'client-id': clientId, 'api-key': apiKey }),
      mapError,
    });
  }

  get rateLimits(): Record<string, RateLimitRule> {
    return this.transport.rateLimits;
  }

  async call<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    options: { signal?: AbortSignal; page?: number | string; retries?: number; budgets?: string[] } = {},
  ): Promise<z.output<S>> {
    const operation = `POST ${path}`;
    const response = await this.transport.http.request({
      method: 'POST',
      url: joinUrl(this.baseUrl, path),
      body,
      budgets: options.budgets ?? ['global'],
      operation,
      signal: options.signal,
      retries: options.retries,
    });
    return parseBody(schema, response, { channel: 'OZON', operation, page: options.page });
  }
}
