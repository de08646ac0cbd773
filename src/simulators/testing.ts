/**
 * Helpers for tests and benchmarks that drive connectors against simulators (also meant for
 * the sync-engine tests): raised limits for tests that are not about limits, and the secrets a
 * simulator's account carries, to assert they never leak.
 */
import type { LimitRule } from './shared/limits.js';
import type { SimChannel, Simulator, SimulatorOptions } from './shared/simulator.js';
import { startSimulator } from './start.js';

/** Limits high enough that a 10 000-offer listing takes about a second, with small bursts. */
export const FAST_LIMITS: Record<SimChannel, Record<string, LimitRule>> = {
  EMAG: { default: { limit: 200, periodMs: 1000, burst: 10 }, orders: { limit: 200, periodMs: 1000, burst: 10 } },
  OZON: { global: { limit: 300, periodMs: 1000, burst: 20 }, 'stocks-update': { limit: 200, periodMs: 1000, burst: 10 } },
  WILDBERRIES: {
    content: { limit: 200, periodMs: 1000, burst: 10 },
    prices: { limit: 200, periodMs: 1000, burst: 10 },
    stocks: { limit: 400, periodMs: 1000, burst: 20 },
    orders: { limit: 200, periodMs: 1000, burst: 10 },
    contentErrors: { limit: 50, periodMs: 1000, burst: 5 },
    // The statistics reports allow 1 request/min each: at that pace every second test would wait.
    statisticsOrders: { limit: 50, periodMs: 1000, burst: 5 },
    statisticsStocks: { limit: 50, periodMs: 1000, burst: 5 },
    ping: { limit: 50, periodMs: 1000, burst: 5 },
  },
  STOREFRONT: { default: { limit: 200, periodMs: 1000, burst: 10 } },
};

/** A simulator with FAST_LIMITS (its `account()` carries them, so the connector paces to them). */
export function startFastSimulator(channel: SimChannel, options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator(channel, { rateLimits: FAST_LIMITS[channel], ...options });
}

/** Every credential value plus the header values derived from them. */
export function simulatorSecrets(sim: Simulator): string[] {
  const values = Object.values(sim.credentials);
  if (sim.channel === 'EMAG') values.push(Buffer.from(`${sim.credentials.username}:${sim.credentials.password}`).toString('base64'));
  return values;
}

/** The texts that contain any of the secrets (should be none). */
export function findLeaks(texts: string[], secrets: string[]): string[] {
  return texts.filter((text) => secrets.some((secret) => text.includes(secret)));
}
