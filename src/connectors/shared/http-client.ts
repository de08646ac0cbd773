/**
 * The one way connectors talk HTTP: fetch under the outbound target policy (no redirects
 * followed; private addresses refused at connect unless allowed), a rate budget slot before every
 * attempt (retries included), a per-call timeout that covers the body, retries with backoff on
 * 429, 5xx, timeouts and connection resets, and typed, redacted errors.
 */
import type { Channel, HttpObservation, HttpObserver } from '../connector.js';
import { outboundFetch } from '../../modules/outbound/outbound-fetch.js';
import { TargetRefused, type TargetPolicy } from '../../modules/outbound/target-policy.js';
import { backoffDelay, retryAfterFromHeaders } from './backoff.js';
import {
  AuthError,
  ConnectorError,
  NetworkError,
  RateLimitError,
  RemoteError,
  TargetRefusedError,
  TimeoutError,
  type ErrorContext,
} from './errors.js';
import type { Logger } from './logger.js';
import { acquireAll, type RequestBudget } from './rate-limit.js';
import { excerpt, type Redactor } from './redact.js';
import { sleep } from './sleep.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface RequestSpec {
  method: HttpMethod;
  url: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Endpoint classes whose budgets this request draws on, narrowest first. */
  budgets: string[];
  /** Label for logs and errors, e.g. `POST /product_offer/read` (never contains secrets). */
  operation: string;
  signal?: AbortSignal;
  /** Statuses returned to the caller instead of being turned into errors; default 2xx. */
  accept?: (status: number) => boolean;
  /** Overrides the client's retry count for this call. */
  retries?: number;
}

/** Vendor hook: a typed error for an answer the default mapping would get wrong. */
export type ErrorMapper = (response: RawResponse, context: ErrorContext) => ConnectorError | undefined;

export interface HttpClientOptions {
  channel: Channel;
  budgets: Record<string, RequestBudget>;
  redactor: Redactor;
  logger: Logger;
  /** Auth (and other constant) headers; built per request so nothing keeps them in a string. */
  headers: () => Record<string, string>;
  mapError?: ErrorMapper;
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  onResponse?: HttpObserver;
  /** Private-range policy at connect; absent allows them (library use against local simulators): the app always passes its own. */
  targets?: TargetPolicy;
}

const RESET_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

export class HttpClient {
  constructor(private readonly options: HttpClientOptions) {}

  get channel(): Channel {
    return this.options.channel;
  }

  get redactor(): Redactor {
    return this.options.redactor;
  }

  /** Uses up extra slots of a budget: some answers cost more than one request (WB 409 = 10). */
  consumeExtra(budget: string, slots: number): void {
    this.options.budgets[budget]?.consumeExtra(slots);
  }

  async request(spec: RequestSpec): Promise<RawResponse> {
    const { logger } = this.options;
    const budgets = spec.budgets.map((name) => {
      const budget = this.options.budgets[name];
      if (!budget) throw new Error(`no rate budget named ${name}`);
      return budget;
    });
    const retries = spec.retries ?? this.options.retries;
    const context: ErrorContext = { channel: this.options.channel, operation: spec.operation };

    for (let attempt = 0; ; attempt += 1) {
      await acquireAll(budgets, spec.signal);
      const started = Date.now();
      let error: ConnectorError;
      try {
        const response = await this.send(spec, context);
        this.observe({ operation: spec.operation, status: response.status, durationMs: Date.now() - started, attempt });
        logger.debug({ op: spec.operation, status: response.status, ms: Date.now() - started, attempt }, 'http');
        const accepted = spec.accept ? spec.accept(response.status) : response.status >= 200 && response.status < 300;
        if (accepted) return response;
        error = this.toError(response, { ...context, status: response.status });
      } catch (caught) {
        if (!(caught instanceof ConnectorError)) throw caught;
        error = caught;
        this.observe({ operation: spec.operation, failure: error.kind === 'TIMEOUT' ? 'TIMEOUT' : 'NETWORK', durationMs: Date.now() - started, attempt });
      }

      const retryAfterMs = error instanceof RateLimitError || error instanceof RemoteError ? error.retryAfterMs : undefined;
      if (error instanceof RateLimitError && retryAfterMs !== undefined) {
        // Everyone on these budgets in this process waits, not just this call.
        for (const budget of budgets) budget.pause(retryAfterMs);
      }
      const giveUp =
        !error.retryable || attempt >= retries || (retryAfterMs !== undefined && retryAfterMs > this.options.maxDelayMs);
      if (giveUp) {
        logger.warn({ op: spec.operation, kind: error.kind, status: error.status, attempt }, 'request failed');
        throw error;
      }
      const delayMs = Math.round(backoffDelay(attempt, this.options, retryAfterMs));
      logger.warn({ op: spec.operation, kind: error.kind, status: error.status, attempt, delayMs }, 'retrying');
      await sleep(delayMs, spec.signal);
    }
  }

  /** An observer's failure must never fail the call it watches. */
  private observe(observation: HttpObservation): void {
    try {
      this.options.onResponse?.(observation);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'http observer failed');
    }
  }

  private async send(spec: RequestSpec, context: ErrorContext): Promise<RawResponse> {
    const url = new URL(spec.url);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers() };
    let body: string | undefined;
    if (spec.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(spec.body);
    }
    try {
      const response = await outboundFetch(url, { method: spec.method, headers, body, signal }, this.options.targets ?? { allowPrivate: true });
      const text = await response.text();
      return { status: response.status, headers: response.headers as unknown as Headers, text };
    } catch (caught) {
      if (spec.signal?.aborted) throw spec.signal.reason;
      const refused = targetRefusal(caught);
      if (refused) throw new TargetRefusedError(`target refused: ${refused.message}`, context, { cause: caught });
      if (timeout.aborted) {
        throw new TimeoutError(`no answer within ${this.options.timeoutMs} ms`, context, { cause: caught });
      }
      const code = networkCode(caught);
      if (code !== undefined && !RESET_CODES.has(code)) {
        throw new NetworkError(`network error ${code}`, context, { cause: caught });
      }
      throw new NetworkError(`connection failed${code ? ` (${code})` : ''}`, context, { cause: caught });
    }
  }

  private toError(response: RawResponse, context: ErrorContext): ConnectorError {
    const { status } = response;
    // fetch runs with redirect: 'manual': a 3xx is answered here, never followed.
    if (status >= 300 && status < 400) return new RemoteError(`redirect (HTTP ${status}) not followed`, context, { retryable: false });
    const mapped = this.options.mapError?.(response, context);
    if (mapped) return mapped;
    const detail = `HTTP ${status} ${excerpt(this.options.redactor, response.text)}`.trim();
    const retryAfterMs = retryAfterFromHeaders(response.headers);
    if (status === 401 || status === 403) return new AuthError(detail, context);
    if (status === 429) return new RateLimitError(detail, context, retryAfterMs);
    if (status >= 500 || status === 408) return new RemoteError(detail, context, { retryable: true, retryAfterMs });
    return new RemoteError(detail, context, { retryable: false });
  }
}

/** The policy's refusal behind a failed fetch (undici wraps the lookup's error as `cause`). */
function targetRefusal(error: unknown): TargetRefused | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    if (current instanceof TargetRefused) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
