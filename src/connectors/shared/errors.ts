/**
 * Typed connector errors. Messages are built from method, path, status and a short body excerpt
 * that has already been scrubbed of credentials (see redact.ts); headers are never included.
 */
import type { Channel, ErrorKind } from '../connector.js';

export interface ErrorContext {
  channel: Channel;
  /** e.g. `POST /product_offer/read` */
  operation: string;
  status?: number;
}

export abstract class ConnectorError extends Error {
  abstract readonly kind: ErrorKind | 'MALFORMED' | 'TIMEOUT';
  /** Whether repeating the same request may succeed. */
  abstract readonly retryable: boolean;
  readonly channel: Channel;
  readonly operation: string;
  readonly status: number | undefined;

  constructor(message: string, context: ErrorContext, options?: { cause?: unknown }) {
    super(`${context.channel} ${context.operation}: ${message}`, options);
    this.name = new.target.name;
    this.channel = context.channel;
    this.operation = context.operation;
    this.status = context.status;
  }
}

/** Bad, expired or unauthorised credentials. Never retried. */
export class AuthError extends ConnectorError {
  readonly kind = 'AUTH' as const;
  readonly retryable = false;
}

/** The marketplace said slow down (429). Retried after `retryAfterMs` when known. */
export class RateLimitError extends ConnectorError {
  readonly kind = 'RATE_LIMIT' as const;
  readonly retryable = true;
  constructor(
    message: string,
    context: ErrorContext,
    readonly retryAfterMs?: number,
  ) {
    super(message, context);
  }
}

/** Any other error answer. 5xx are retryable; 4xx (validation, not found) are not. */
export class RemoteError extends ConnectorError {
  readonly kind = 'REMOTE' as const;
  readonly retryable: boolean;
  constructor(
    message: string,
    context: ErrorContext,
    options: { retryable: boolean; code?: string; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, context, { cause: options.cause });
    this.retryable = options.retryable;
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
  }
  readonly code: string | undefined;
  readonly retryAfterMs: number | undefined;
}

/** Connection refused or reset, DNS failure: the request may not have arrived. */
export class NetworkError extends ConnectorError {
  readonly kind = 'NETWORK' as const;
  readonly retryable = true;
}

/** The outbound target policy refused the address: repeating cannot help, so never retried. */
export class TargetRefusedError extends ConnectorError {
  readonly kind = 'NETWORK' as const;
  readonly retryable = false;
}

/** No complete answer within the per-call timeout. */
export class TimeoutError extends ConnectorError {
  readonly kind = 'TIMEOUT' as const;
  readonly retryable = true;
}

/** A 2xx answer that does not match the schema: an error of that page, never empty data. */
export class MalformedResponseError extends ConnectorError {
  readonly kind = 'MALFORMED' as const;
  readonly retryable = false;
  constructor(
    message: string,
    context: ErrorContext & { page?: number | string },
    /** Where the payload broke, e.g. `results.3.sale_price: expected string`. */
    readonly issues: string[] = [],
  ) {
    super(context.page === undefined ? message : `page ${context.page}: ${message}`, context);
    this.page = context.page;
  }
  readonly page: number | string | undefined;
}

/** Maps any error to the kind reported by testConnection and push results. */
export function errorKindOf(error: unknown): ErrorKind {
  if (error instanceof ConnectorError) {
    switch (error.kind) {
      case 'AUTH':
      case 'RATE_LIMIT':
      case 'NETWORK':
        return error.kind;
      case 'TIMEOUT':
        return 'NETWORK';
      case 'REMOTE':
        return error.retryable ? 'REMOTE' : 'VALIDATION';
      default:
        return 'REMOTE';
    }
  }
  return 'NETWORK';
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'CancelledError');
}
