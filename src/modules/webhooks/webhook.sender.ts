/**
 * One HTTP attempt of a webhook delivery: POSTs the stored body with the signed headers (see
 * webhook.signing.ts), is cut at the subscription's timeout, follows no redirect, and connects only
 * to addresses that pass the target policy (checked again here, on the addresses actually connected
 * to). A 2xx is success; the response is kept as a short excerpt.
 */
import http from 'node:http';
import https from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import type { AppServices } from '../../core/services.js';
import { secretOf } from './webhook.service.js';
import { signedHeaders } from './webhook.signing.js';
import { checkLiteralHost, guardedLookup, TargetRefused } from '../outbound/target-policy.js';

/** Longest response body excerpt kept, in bytes. */
const EXCERPT_BYTES = 1024;
/** Response bytes read at most (the rest is dropped with the connection). */
const MAX_READ_BYTES = 64 * 1024;
/** Decrypted secrets kept per sender (by ciphertext: a rotation is a new entry); beyond this, the oldest goes. */
const SECRETS_KEPT = 256;

/** What is sent: a claimed delivery with its subscription's target. */
export interface OutgoingDelivery {
  id: string;
  webhookId: string;
  eventType: string;
  body: string;
  url: string;
  secretEncrypted: string;
  /** The secret before the last rotation, signing beside the current one until previousSecretUntil. */
  previousSecretEncrypted?: string | null;
  previousSecretUntil?: Date | null;
  timeoutMs: number;
}

export interface SendOutcome {
  startedAt: Date;
  durationMs: number;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  success: boolean;
  /** A 429 or 503 with Retry-After: how long the receiver asked to wait, in ms; else null. */
  retryAfterMs: number | null;
  /** The receiver answered `webhook-delivery: abort`: do not retry this delivery. */
  abort: boolean;
}

/** Retry-After as delay-seconds or an HTTP date, in ms from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

interface WebhookSender {
  /** One attempt; null when `cancel` cut it (nothing to record). */
  send(delivery: OutgoingDelivery, cancel: AbortSignal): Promise<SendOutcome | null>;
  /** Closes the kept-alive connections. */
  close(): void;
}

export function createWebhookSender(services: AppServices, options: { allowPrivateTargets: boolean; maxSockets: number }): WebhookSender {
  const allowPrivate = options.allowPrivateTargets;
  const lookup = guardedLookup(allowPrivate);
  /**
   * Secrets by their ciphertext: decrypting took 7 % of the worker's CPU per delivery (bench, CPU
   * profile). A ciphertext is one version of one webhook's secret (each encryption has its own IV),
   * so a rotated secret is simply another key. Kept in this process only, never logged.
   */
  const secrets = new Map<string, string>();
  function secret(webhookId: string, secretEncrypted: string): string {
    let clear = secrets.get(secretEncrypted);
    if (clear === undefined) {
      clear = secretOf(services, { id: webhookId, secretEncrypted });
      if (secrets.size >= SECRETS_KEPT) secrets.delete(secrets.keys().next().value!);
      secrets.set(secretEncrypted, clear);
    }
    return clear;
  }
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: options.maxSockets }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: options.maxSockets }),
  };

  async function send(delivery: OutgoingDelivery, cancel: AbortSignal): Promise<SendOutcome | null> {
    const startedAt = new Date();
    const result = (partial: Omit<SendOutcome, 'startedAt' | 'durationMs' | 'retryAfterMs' | 'abort'> & Partial<SendOutcome>): SendOutcome => ({
      startedAt,
      durationMs: Date.now() - startedAt.getTime(),
      retryAfterMs: null,
      abort: false,
      ...partial,
    });
    const deadline = { timedOut: false };
    try {
      const url = new URL(delivery.url);
      checkLiteralHost(url, { allowPrivate });
      const current = secret(delivery.webhookId, delivery.secretEncrypted);
      const inGrace = delivery.previousSecretEncrypted && delivery.previousSecretUntil && delivery.previousSecretUntil.getTime() > Date.now();
      const previous = inGrace ? [secret(delivery.webhookId, delivery.previousSecretEncrypted!)] : [];
      const headers = signedHeaders(current, delivery, Math.floor(Date.now() / 1000), previous);
      const response = await post(url, headers, delivery.body, delivery.timeoutMs, cancel, deadline);
      const success = response.status >= 200 && response.status < 300;
      let error: string | null = null;
      if (response.status >= 300 && response.status < 400) error = `redirect (${response.status}${response.location ? ` to ${response.location}` : ''}) not followed`;
      else if (!success) error = `HTTP ${response.status}`;
      const retryAfterMs = response.status === 429 || response.status === 503 ? parseRetryAfter(response.retryAfter) : null;
      const abort = !success && response.control?.trim().toLowerCase() === 'abort';
      return result({ responseStatus: response.status, responseBody: response.excerpt, error, success, retryAfterMs, abort });
    } catch (error) {
      if (cancel.aborted) return null;
      const message = deadline.timedOut
        ? `timed out after ${delivery.timeoutMs} ms`
        : error instanceof TargetRefused
          ? `target refused: ${error.message}`
          : errorMessage(error);
      return result({ responseStatus: null, responseBody: null, error: message.slice(0, 1000).replaceAll('\u0000', ''), success: false });
    }
  }

  /**
   * One POST, cut after `timeoutMs` (then `deadline.timedOut`) or when `cancel` aborts. One timer and
   * one listener per request, both removed when it ends: AbortSignal.timeout + AbortSignal.any cost
   * two signals per request, and each timeout fired, DOMException and all, `timeoutMs` after its
   * request had long ended (bench CPU profile).
   */
  function post(url: URL, headers: Record<string, string>, body: string, timeoutMs: number, cancel: AbortSignal, deadline: { timedOut: boolean }) {
    const payload = Buffer.from(body, 'utf8');
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<{ status: number; excerpt: string; location?: string; retryAfter?: string; control?: string }>((resolveOuter, rejectOuter) => {
      const cut = (reason: unknown) => request.destroy(reason instanceof Error ? reason : new Error(String(reason)));
      const onCancel = () => cut(cancel.reason);
      const timer = setTimeout(() => {
        deadline.timedOut = true;
        cut(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const end = () => {
        clearTimeout(timer);
        cancel.removeEventListener('abort', onCancel);
      };
      const resolve: typeof resolveOuter = (value) => {
        end();
        resolveOuter(value);
      };
      const reject = (error: unknown) => {
        end();
        rejectOuter(error);
      };
      const request = client.request(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(payload.length) },
          agent: agents[url.protocol as 'http:' | 'https:'],
          lookup,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const done = () => {
            // Whole characters only (a cut multi-byte one is dropped), and no NULs (PostgreSQL text refuses them).
            const excerpt = new StringDecoder('utf8').write(Buffer.concat(chunks).subarray(0, EXCERPT_BYTES)).replaceAll('\u0000', '');
            const control = response.headers['webhook-delivery'];
            resolve({
              status: response.statusCode ?? 0,
              excerpt,
              location: response.headers.location,
              retryAfter: response.headers['retry-after'],
              control: Array.isArray(control) ? control[0] : control,
            });
          };
          response.on('data', (chunk: Buffer) => {
            if (size < EXCERPT_BYTES) chunks.push(chunk);
            size += chunk.length;
            if (size > MAX_READ_BYTES) {
              done();
              response.destroy();
            }
          });
          response.on('end', done);
          response.on('error', reject);
          // Cut mid-body (timeout, cancel): settle even if the stream ends without an error.
          response.on('close', () => reject(new Error('response closed before its end')));
        },
      );
      request.on('error', reject);
      if (cancel.aborted) return cut(cancel.reason);
      cancel.addEventListener('abort', onCancel, { once: true });
      request.end(payload);
    });
  }

  return {
    send,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const cause = (error as { cause?: unknown }).cause;
  const base = code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  return cause instanceof Error && cause.message !== error.message ? `${base}: ${cause.message}` : base;
}
