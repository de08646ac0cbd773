/**
 * eMAG transport: Basic auth, `POST {base}/{resource}/{action}` with a JSON `{ data }` body,
 * and the `isError` envelope (a 200 with `isError: true` is a remote failure, not data).
 */
import type { z } from 'zod';
import type { ConnectorAccount, ConnectorContext, RateLimitRule } from '../connector.js';
import { MalformedResponseError, RemoteError } from '../shared/errors.js';
import { buildTransport, joinUrl, requireCredential, type Transport } from '../shared/transport.js';
import { parseBody, tryJson } from '../shared/parse.js';
import { excerpt } from '../shared/redact.js';
import { envelopeHead } from './schemas.js';

/** eMAG docs: every `order` route 12 req/s; everything else together 3 req/s. */
export const EMAG_RATE_LIMITS: Record<string, RateLimitRule> = {
  default: { limit: 3, periodMs: 1000 },
  orders: { limit: 12, periodMs: 1000 },
};

export interface CallOptions {
  signal?: AbortSignal;
  page?: number | string;
  retries?: number;
}

export class EmagClient {
  private readonly transport: Transport;
  private readonly baseUrl: string;

  constructor(account: ConnectorAccount, context: ConnectorContext) {
    const username = requireCredential(account, 'username');
    const password = requireCredential(account, 'password');
    const basic = Buffer.from(`${username}:${password}`).toString('base64');
    this.baseUrl = account.baseUrl;
    this.transport = buildTransport(account, context, {
      channel: 'EMAG',
      defaults: EMAG_RATE_LIMITS,
      headers: () => ({ authorization: `Basic ${basic}` }),
      extraSecrets: [basic],
    });
  }

  get rateLimits(): Record<string, RateLimitRule> {
    return this.transport.rateLimits;
  }

  get logger() {
    return this.transport.logger;
  }

  /** Calls `resource/action` and returns its parsed, successful envelope. */
  async call<S extends z.ZodType>(path: string, data: unknown, schema: S, options: CallOptions = {}): Promise<z.output<S>> {
    const answer = await this.send(path, data, schema, options);
    if (answer.isError) {
      throw new RemoteError(`isError: ${answer.summary}`, answer.context, { retryable: false, code: 'IS_ERROR' });
    }
    return answer.result;
  }

  /**
   * Like `call`, but an `isError` answer comes back with its messages (redacted, one line each)
   * instead of being thrown: `offer/save` answers `isError` for entries it nevertheless applied.
   */
  async send<S extends z.ZodType>(path: string, data: unknown, schema: S, options: CallOptions = {}): Promise<SendAnswer<z.output<S>>> {
    const operation = `POST /${path}`;
    const response = await this.transport.http.request({
      method: 'POST',
      url: joinUrl(this.baseUrl, path),
      body: { data },
      budgets: [path.startsWith('order/') ? 'orders' : 'default'],
      operation,
      signal: options.signal,
      retries: options.retries,
    });
    const context = { channel: 'EMAG' as const, operation, page: options.page };
    const head = envelopeHead.safeParse(tryJson(response.text));
    if (!head.success) {
      throw new MalformedResponseError('answer has no isError envelope', { ...context, status: response.status });
    }
    if (head.data.isError) {
      const redactor = this.transport.http.redactor;
      const messages = (head.data.messages ?? []).map((m) => excerpt(redactor, typeof m === 'string' ? m : JSON.stringify(m)));
      return { isError: true, messages, raw: head.data.messages ?? [], summary: messages.join('; ') || 'no message', context: { ...context, status: response.status } };
    }
    return { isError: false, result: parseBody(schema, response, context) };
  }
}

export type SendAnswer<T> =
  | { isError: false; result: T }
  | {
      isError: true;
      /** Each message as text, redacted. */
      messages: string[];
      /** The messages as sent (strings or objects), for the ids they name. */
      raw: unknown[];
      summary: string;
      context: { channel: 'EMAG'; operation: string; status: number };
    };
