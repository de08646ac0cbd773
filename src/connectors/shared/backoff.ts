/** Retry timing: exponential backoff with full jitter, never sooner than the server asked. */

export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Delay before retry number `attempt` (0 = first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions, retryAfterMs?: number, random = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  const jittered = random() * ceiling;
  // Retry-After is a floor; a little jitter on top keeps several waiters from returning together.
  if (retryAfterMs !== undefined) return retryAfterMs + random() * Math.min(options.baseDelayMs, 250);
  return jittered;
}

/** Reads `Retry-After` (seconds or HTTP date) and Wildberries' `X-Ratelimit-Retry` (seconds). */
export function retryAfterFromHeaders(headers: Headers, now = Date.now()): number | undefined {
  const wb = headers.get('x-ratelimit-retry');
  if (wb !== null && wb.trim() !== '' && Number.isFinite(Number(wb))) return Math.max(0, Number(wb) * 1000);
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
