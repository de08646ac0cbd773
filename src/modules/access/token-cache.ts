/**
 * Verified API tokens by the hash of their secret, so a request does not look its token up in the
 * database every time. An entry lives `ttlMs` at most; revoking a token evicts it at once on the
 * instance that revoked it and, through the event bus (Redis between instances), on every other
 * one, so a revoked token is refused everywhere as soon as the event arrives — and at the latest
 * after `ttlMs` when Redis is down. An expired token is refused from its entry (the actor's expiresAt).
 * Unknown or refused tokens are never cached: each costs a lookup, bounded by the lookup budget.
 */
import type { Actor } from '../../core/services.js';

interface Entry {
  actor: Actor;
  cachedAt: number;
  /** When this instance last recorded the token's use (lastUsedAt is kept at minute granularity). */
  usedAt: number;
}

export interface TokenCacheOptions {
  /** Longest an entry is trusted without a lookup; default 30 s. */
  ttlMs?: number;
  /** Entries kept at most (the oldest go first); default 10 000. */
  maxEntries?: number;
  now?: () => number;
}

export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly hashById = new Map<string, string>();
  /** Token ids evicted within the last `ttlMs`, with when: a lookup that read the row before the revoke must not cache it after. */
  private readonly evicted = new Map<string, number>();
  /** Database lookups running now, by token hash. */
  private readonly lookups = new Map<string, Promise<unknown>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: TokenCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The cached entry of a token hash while it is fresh. */
  get(tokenHash: string): Entry | undefined {
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    if (this.now() - entry.cachedAt > this.ttlMs) {
      this.delete(tokenHash, entry.actor.tokenId);
      return undefined;
    }
    return entry;
  }

  set(tokenHash: string, actor: Actor, usedAt: number): void {
    if (this.ttlMs <= 0) return;
    const evictedAt = this.evicted.get(actor.tokenId);
    if (evictedAt !== undefined && this.now() - evictedAt <= this.ttlMs) return;
    this.delete(tokenHash, actor.tokenId);
    // A Map iterates in insertion order: the first key is the oldest entry.
    if (this.entries.size >= this.maxEntries) {
      const [oldest, entry] = this.entries.entries().next().value!;
      this.delete(oldest, entry.actor.tokenId);
    }
    this.entries.set(tokenHash, { actor, cachedAt: this.now(), usedAt });
    this.hashById.set(actor.tokenId, tokenHash);
  }

  /**
   * Runs `lookup` for a token hash unless one is already running, whose answer is then shared:
   * callers arriving together (50 sockets opened at once with one token) cost one SELECT, not one
   * per tick that Prisma's batching happens to split them into.
   */
  shared<T>(tokenHash: string, lookup: () => Promise<T>): Promise<T> {
    const running = this.lookups.get(tokenHash) as Promise<T> | undefined;
    if (running) return running;
    const started = lookup().finally(() => this.lookups.delete(tokenHash));
    this.lookups.set(tokenHash, started);
    return started;
  }

  /** Forgets a token (revoked here or on another instance). */
  evict(tokenId: string): void {
    // Bounded like the entries: the oldest evictions go first (a Map iterates in insertion order).
    this.evicted.delete(tokenId);
    if (this.evicted.size >= this.maxEntries) this.evicted.delete(this.evicted.keys().next().value!);
    this.evicted.set(tokenId, this.now());
    const hash = this.hashById.get(tokenId);
    if (hash) this.delete(hash, tokenId);
  }

  private delete(tokenHash: string, tokenId: string) {
    this.entries.delete(tokenHash);
    if (this.hashById.get(tokenId) === tokenHash) this.hashById.delete(tokenId);
  }
}

/** Evicts every token revoked on any instance from `cache` until `stop()`. */
export function evictRevokedTokens(events: { tokenRevocations(): AsyncIterableIterator<{ tokenId: string }> }, cache: TokenCache): { stop(): Promise<void> } {
  const revocations = events.tokenRevocations();
  const done = (async () => {
    for await (const { tokenId } of revocations) cache.evict(tokenId);
  })();
  return {
    async stop() {
      await revocations.return?.();
      await done;
    },
  };
}
