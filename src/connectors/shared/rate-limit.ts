/**
 * Client-side request budgets: one per account and endpoint class, shared by every sync and push
 * of that account (and, with Redis, by every app instance).
 *
 * Requests are paced, not burst. Time is cut into slots of `periodMs / (limit * headroom)` ms,
 * aligned to the epoch, and each request claims one slot and is sent when its slot starts.
 * Claiming is an atomic "consume 1 point of key `<budget>:<slot>`" in rate-limiter-flexible —
 * RateLimiterMemory alone, RateLimiterRedis when instances share a Redis — so no two requests
 * of one budget, in any process, get the same slot.
 *
 * Why slots rather than "one request per interval since the last one": timers fire a little
 * late, and with relative spacing that lateness adds up (at 50 req/s, 1 ms per request is 5 %
 * of the budget). Epoch slots do not drift, so a saturated budget runs at its configured rate,
 * and the long-run rate can never exceed it, whatever the timer jitter. (Instances that share
 * Redis must agree on the time, as NTP-synced hosts do; a skew of δ ms narrows a gap by δ.)
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitRule } from '../connector.js';
import { sleep } from './sleep.js';

/** Default share of a documented limit the client uses: slack for clock and network jitter. */
export const DEFAULT_HEADROOM = 0.97;

/** A slot claimed this far (share of an interval) after its start still counts as on time. */
const LATE_TOLERANCE = 0.1;

/** How far ahead one claim may look for a free slot before re-reading the clock. */
const MAX_PROBES = 64;

export function slotIntervalMs(rule: RateLimitRule, headroom = DEFAULT_HEADROOM): number {
  if (!(rule.limit > 0) || !(rule.periodMs > 0)) throw new Error('rate limit must be positive');
  // Whole microseconds keep slot numbers identical across instances that share Redis.
  return Math.ceil((rule.periodMs / (rule.limit * Math.min(1, Math.max(0.1, headroom)))) * 1000) / 1000;
}

export interface BudgetOptions {
  /** Unique per account and endpoint class, e.g. `acc-1:orders`. */
  key: string;
  rule: RateLimitRule;
  headroom?: number;
  redis?: Redis;
}

/** One pacing budget. acquire() resolves when the caller may send one request. */
export class RequestBudget {
  readonly intervalMs: number;
  private readonly limiter: RateLimiterAbstract;
  private readonly key: string;
  /** Claims are made one at a time in this process, so slots are handed out first come, first served. */
  private claims: Promise<unknown> = Promise.resolve();
  /** The slot after the last one this process claimed: where the next search starts. */
  private nextSlot = 0;
  private pausedUntil = 0;

  constructor(options: BudgetOptions) {
    this.intervalMs = slotIntervalMs(options.rule, options.headroom);
    this.key = `${options.key}@${this.intervalMs}`;
    const memory = new RateLimiterMemory({ keyPrefix: 'stockline-slot', points: 1, duration: 1 });
    this.limiter = options.redis
      ? new RateLimiterRedis({
          storeClient: options.redis,
          keyPrefix: 'stockline-slot',
          points: 1,
          duration: 1,
          // If Redis is unreachable the instance keeps pacing itself rather than failing syncs.
          insuranceLimiter: memory,
        })
      : memory;
  }

  /** Waits for this caller's slot; resolves with the time (ms) it was scheduled to go. */
  async acquire(signal?: AbortSignal): Promise<number> {
    const claim = this.claims.then(() => this.claim(signal));
    this.claims = claim.catch(() => undefined);
    const startsAt = await claim;
    const wait = startsAt - Date.now();
    if (wait > 0) await sleep(wait, signal);
    return startsAt;
  }

  /**
   * Uses up `slots` extra slots without a request: Wildberries counts one 409 as ten requests.
   * Later callers get later slots.
   */
  consumeExtra(slots: number): void {
    for (let i = 0; i < slots; i += 1) {
      const claim = this.claims.then(() => this.claim());
      this.claims = claim.catch(() => undefined);
    }
  }

  /** No request of this process starts on this budget for `ms` (a server asked us to back off). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }

  /**
   * Claims the first free slot from now (or from the pause) on; returns when to send (ms).
   * A slot that has already begun may still be used at once (an idle budget should not add
   * latency), but then the following slot is claimed too and left unused, so the next request
   * still comes at least one interval later: requests of one budget are never closer than
   * 90 % of an interval.
   */
  private async claim(signal?: AbortSignal): Promise<number> {
    for (;;) {
      signal?.throwIfAborted();
      const now = Date.now();
      let slot = Math.max(this.nextSlot, Math.floor(now / this.intervalMs), Math.ceil(this.pausedUntil / this.intervalMs));
      for (let probe = 0; probe < MAX_PROBES; probe += 1, slot += 1) {
        const startsAt = slot * this.intervalMs;
        if (!(await this.take(slot, now))) continue;
        if (now - startsAt <= this.intervalMs * LATE_TOLERANCE) {
          this.nextSlot = slot + 1;
          return startsAt;
        }
        if (await this.take(slot + 1, now)) {
          this.nextSlot = slot + 2;
          return now;
        }
        slot += 1; // the next slot is someone else's: this one is spent, keep looking after it
      }
      this.nextSlot = slot;
    }
  }

  /** Atomically claims one slot; false when another caller (or instance) has it. */
  private async take(slot: number, now: number): Promise<boolean> {
    // The slot key must outlive the slot; whole seconds because Redis expiries are whole here.
    const ttlSeconds = Math.ceil(((slot + 1) * this.intervalMs - now) / 1000) + 1;
    try {
      await this.limiter.consume(`${this.key}:${slot}`, 1, { customDuration: ttlSeconds });
      return true;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return false;
      throw rejection;
    }
  }
}

/**
 * Budgets by key, so that every connector built for the same account in this process draws on
 * the same budgets. A connector built with Redis gets Redis budgets (shared across instances).
 */
export class BudgetRegistry {
  private readonly budgets = new Map<string, RequestBudget>();

  get(options: BudgetOptions): RequestBudget {
    const interval = slotIntervalMs(options.rule, options.headroom);
    const id = `${options.redis ? 'redis' : 'memory'}:${options.key}:${interval}`;
    let budget = this.budgets.get(id);
    if (!budget) {
      budget = new RequestBudget(options);
      this.budgets.set(id, budget);
    }
    return budget;
  }
}

export const defaultBudgetRegistry = new BudgetRegistry();

/**
 * Acquires a slot from each budget in order. Put the narrowest (per-method) budget first so a
 * slow per-method wait does not hold a slot of the wide global budget.
 */
export async function acquireAll(budgets: RequestBudget[], signal?: AbortSignal): Promise<void> {
  for (const budget of budgets) await budget.acquire(signal);
}
