/**
 * Server-side rate limits: a token bucket per account and endpoint group, refilled continuously
 * at `limit / periodMs` and holding at most `burst` tokens. A request that finds no token is a
 * violation: it is answered 429 and counted.
 */
export interface LimitRule {
  limit: number;
  periodMs: number;
  /** Bucket size: how many requests may arrive back to back; default `limit` (capped at 50). */
  burst?: number;
}

class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly rate: number;
  private readonly capacity: number;

  constructor(rule: LimitRule, now: number) {
    this.rate = rule.limit / rule.periodMs;
    this.capacity = Math.max(1, rule.burst ?? Math.min(rule.limit, 50));
    this.tokens = this.capacity;
    this.last = now;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.rate);
    this.last = now;
  }

  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Charges without checking (WB counts a 409 as ten requests); may go below zero. */
  charge(amount: number, now: number): void {
    this.refill(now);
    this.tokens -= amount;
  }

  remaining(now: number): number {
    this.refill(now);
    return Math.max(0, Math.floor(this.tokens));
  }

  /** ms until one token is available. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.rate);
  }
}

export type LimitVerdict = { ok: true } | { ok: false; group: string; retryAfterMs: number };

export class RateLimits {
  private readonly buckets = new Map<string, TokenBucket>();
  private rules: Record<string, LimitRule>;
  enabled = true;

  constructor(rules: Record<string, LimitRule>) {
    this.rules = { ...rules };
  }

  get current(): Record<string, LimitRule> {
    return this.rules;
  }

  /** Replaces some rules (buckets restart full). */
  set(rules: Partial<Record<string, LimitRule>>): void {
    for (const [group, rule] of Object.entries(rules)) if (rule) this.rules[group] = rule;
    this.buckets.clear();
  }

  /** Takes one token from each group, or none if any group is empty. */
  check(account: string, groups: string[], now = performance.now()): LimitVerdict {
    if (!this.enabled) return { ok: true };
    const buckets = groups.filter((group) => this.rules[group]).map((group) => [group, this.bucket(account, group, now)] as const);
    for (const [group, bucket] of buckets) {
      const wait = bucket.waitMs(now);
      if (wait > 0) return { ok: false, group, retryAfterMs: wait };
    }
    for (const [, bucket] of buckets) bucket.take(now);
    return { ok: true };
  }

  charge(account: string, group: string, amount: number, now = performance.now()): void {
    if (this.enabled && this.rules[group]) this.bucket(account, group, now).charge(amount, now);
  }

  remaining(account: string, group: string, now = performance.now()): number {
    return this.rules[group] ? this.bucket(account, group, now).remaining(now) : 0;
  }

  private bucket(account: string, group: string, now: number): TokenBucket {
    const key = `${account}\u0000${group}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.rules[group] as LimitRule, now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}

/** Seconds for Retry-After style headers: whole seconds, or a decimal below one second. */
export function retrySeconds(ms: number): string {
  return ms >= 1000 ? String(Math.ceil(ms / 1000)) : (Math.max(1, ms) / 1000).toFixed(3);
}
