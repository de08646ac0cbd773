/**
 * Exponential backoff, base·2^(attempts−1) capped at `maxDelayMs`, with ±20 % jitter so retries of
 * many jobs spread out. Written here rather than taken from p-retry (a dependency): queue retries
 * are durable (the delay is stored as the row's next attempt time), and p-retry neither exposes its
 * delay nor jitters the same way (×1–2), which would move the retry schedule the queues promise.
 */
export function backoffDelay(attempts: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const raw = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(Math.min(maxDelayMs, raw * (0.8 + 0.4 * random())));
}
