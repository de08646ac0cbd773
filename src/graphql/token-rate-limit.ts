import { GraphQLError } from 'graphql';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';

/**
 * A per-token request budget. In Redis when the instances share one, so N api instances together
 * allow a token its budget, not N times it.
 */
export function createTokenRateLimiter(perMinute: number, redis?: Redis) {
  const options = { keyPrefix: 'stockline:token-rate', points: perMinute, duration: 60 };
  const limiter = redis ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) }) : new RateLimiterMemory(options);
  return async function consume(tokenId: string) {
    try {
      await limiter.consume(tokenId);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new GraphQLError(`Rate limit of ${perMinute} requests per minute exceeded for this token; retry in ${retryAfter} s`, {
        extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: { 'Retry-After': String(retryAfter) } } },
      });
    }
  };
}
