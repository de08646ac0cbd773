import { GraphQLError } from 'graphql';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';

/**
 * A per-key request budget per minute. In Redis when the instances share one, so N api instances
 * together allow a key its budget, not N times it (in memory while Redis is unreachable).
 */
function createRateLimiter(name: string, perMinute: number, whose: string, redis?: Redis) {
  const options = { keyPrefix: `stockline:${name}`, points: perMinute, duration: 60 };
  const limiter = redis ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) }) : new RateLimiterMemory(options);
  return async function consume(key: string) {
    try {
      await limiter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new GraphQLError(`Rate limit of ${perMinute} requests per minute exceeded for ${whose}; retry in ${retryAfter} s`, {
        extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: { 'Retry-After': String(retryAfter) } } },
      });
    }
  };
}

/** A per-token request budget. */
export function createTokenRateLimiter(perMinute: number, redis?: Redis) {
  return createRateLimiter('token-rate', perMinute, 'this token', redis);
}

/** A per-address budget for callers without a token (and with a refused one). */
export function createAddressRateLimiter(perMinute: number, redis?: Redis) {
  return createRateLimiter('address-rate', perMinute, 'this address without a token', redis);
}

export interface RequestRateLimits {
  /** Spends one request of the caller's budget: the token's if it has one, else its address's; throws RATE_LIMITED (429). */
  consume(caller: { tokenId: string } | null, address: string | undefined): Promise<void>;
  /** Spends one of the address's lookups of a token not verified lately (before the database is asked); throws RATE_LIMITED (429). */
  consumeLookup(address: string | undefined): Promise<void>;
}

export function createRequestRateLimits(perTokenPerMinute: number, anonymousPerMinute: number, redis?: Redis): RequestRateLimits {
  const byToken = createTokenRateLimiter(perTokenPerMinute, redis);
  const byAddress = createAddressRateLimiter(anonymousPerMinute, redis);
  // Its own budget, so a fresh valid token still works from an address whose anonymous budget is spent.
  const lookups = createRateLimiter('token-lookup-rate', anonymousPerMinute, 'unverified tokens from this address', redis);
  return {
    consume: (caller, address) => (caller ? byToken(caller.tokenId) : byAddress(address ?? 'unknown')),
    consumeLookup: (address) => lookups(address ?? 'unknown'),
  };
}
