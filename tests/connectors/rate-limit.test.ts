/**
 * Client-side pacing: slots are spaced, handed out in order, paused on request, and — through
 * Redis — shared by connectors of different app instances so that together they stay under the
 * marketplace's limit.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetRegistry, createConnector, type Connector } from '../../src/connectors/index.js';
import { RequestBudget, slotIntervalMs } from '../../src/connectors/shared/rate-limit.js';
import { QUICK_RETRIES } from '../../src/connectors/testing.js';
import { startSimulator, type Simulator } from '../../src/simulators/index.js';

describe('RequestBudget', () => {
  it('spaces requests by the slot interval and never exceeds the rate', async () => {
    const budget = new RequestBudget({ key: `t-space-${Date.now()}`, rule: { limit: 50, periodMs: 1000 } });
    expect(budget.intervalMs).toBeCloseTo(slotIntervalMs({ limit: 50, periodMs: 1000 }), 6);
    const started = Date.now();
    const scheduled: number[] = [];
    for (let i = 0; i < 25; i += 1) scheduled.push(await budget.acquire());
    // Scheduled times are what the budget controls (wall-clock gaps also carry timer jitter).
    const gaps = scheduled.slice(1).map((t, i) => t - (scheduled[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(budget.intervalMs - 0.001);
    // Timers can be late, never meaningfully early: 25 slots take at least 24 intervals.
    expect(Date.now() - started).toBeGreaterThanOrEqual(23 * budget.intervalMs);
  });

  it('serves concurrent callers first come, first served', async () => {
    const budget = new RequestBudget({ key: `t-fifo-${Date.now()}`, rule: { limit: 100, periodMs: 1000 } });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, n) => budget.acquire().then(() => order.push(n))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('holds every caller back while paused', async () => {
    const budget = new RequestBudget({ key: `t-pause-${Date.now()}`, rule: { limit: 100, periodMs: 1000 } });
    await budget.acquire();
    budget.pause(150);
    const started = Date.now();
    await budget.acquire();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('gives up waiting when the signal aborts', async () => {
    const budget = new RequestBudget({ key: `t-abort-${Date.now()}`, rule: { limit: 1, periodMs: 10_000 } });
    await budget.acquire();
    await expect(budget.acquire(AbortSignal.timeout(50))).rejects.toThrow();
  });
});

describe('budgets shared by two app instances', () => {
  let redis: Redis | undefined;
  let sim: Simulator;
  const limit = { limit: 20, periodMs: 1000 };

  beforeAll(async () => {
    const client = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1, lazyConnect: true });
    try {
      await client.connect();
      await client.ping();
      redis = client;
    } catch {
      client.disconnect();
    }
    // A small bucket (3, like eMAG's real one) so that two clients pacing independently are caught at once.
    sim = await startSimulator('EMAG', { offers: 10_000, rateLimits: { default: { ...limit, burst: 3 } } });
  });
  afterAll(async () => {
    await sim.stop();
    redis?.disconnect();
  });

  /**
   * Lists with both connectors at once for `ms`, returning the requests the simulator saw and the
   * seconds they had (a timer on a loaded machine fires late: the window is measured, not assumed).
   */
  async function listTogether(connectors: Connector[], ms: number, tolerateErrors = false): Promise<{ requests: number; seconds: number }> {
    sim.resetStats();
    const started = Date.now();
    const stop = AbortSignal.timeout(ms);
    let stoppedAt = 0;
    stop.addEventListener('abort', () => (stoppedAt = Date.now()), { once: true });
    await Promise.all(
      connectors.map(async (connector) => {
        try {
          for await (const page of connector.listProducts({ mode: 'FULL', signal: stop })) void page;
        } catch (error) {
          if (!stop.aborted && !tolerateErrors) throw error;
        }
      }),
    );
    return { requests: sim.stats().requests, seconds: ((stoppedAt || Date.now()) - started) / 1000 };
  }

  it('with Redis: together they stay under the limit (no violations) and still use it', async (context) => {
    if (!redis) context.skip();
    // Small pages: the pace must be set by the budget, not by rendering and parsing 100-offer pages.
    const account = { ...sim.account(`shared-${process.pid}-${Date.now()}`), rateLimits: { default: limit }, options: { pageSize: 10 } };
    // Two registries stand for two processes: nothing in memory is shared, only Redis.
    const a = createConnector(account, { ...QUICK_RETRIES, redis, budgets: new BudgetRegistry() });
    const b = createConnector(account, { ...QUICK_RETRIES, redis, budgets: new BudgetRegistry() });
    const { requests, seconds } = await listTogether([a, b], 2_500);
    expect(sim.stats().violations).toBe(0);
    const rate = requests / seconds;
    expect(rate).toBeLessThanOrEqual(limit.limit * 1.05);
    expect(rate).toBeGreaterThan(limit.limit * 0.75);
  });

  it('without Redis: two instances each pace alone and the simulator counts violations', async () => {
    const account = { ...sim.account(`apart-${process.pid}-${Date.now()}`), rateLimits: { default: limit }, options: { pageSize: 10 } };
    const a = createConnector(account, { ...QUICK_RETRIES, budgets: new BudgetRegistry() });
    const b = createConnector(account, { ...QUICK_RETRIES, budgets: new BudgetRegistry() });
    // Their retries may run out on the 429s they provoke; only the count matters here.
    await listTogether([a, b], 1_500, true);
    expect(sim.stats().violations).toBeGreaterThan(0);
  });
});
