/** Fault injection: what a flaky marketplace does to its clients, on a seeded schedule. */
import { Rng } from './random.js';

export interface FaultConfig {
  /** Share of requests answered with a 5xx; default 0. */
  errorRate?: number;
  /** Share of requests answered with an injected 429 (not counted as a violation); default 0. */
  tooManyRequestsRate?: number;
  /** Share of requests whose connection is reset without an answer; default 0. */
  resetRate?: number;
  /** Added before every answer: a fixed delay or a [min, max] range in ms; default 0. */
  latencyMs?: number | [number, number];
  /** Only this many requests (from when the faults were set) get latencyMs; default every request. */
  latencyRequests?: number;
  /** Listing pages (1-based, per listing endpoint) answered with a malformed body, or a share of them. */
  malformedPages?: number[] | { rate: number };
  /** Every request fails authentication, whatever the credentials. */
  authFailure?: boolean;
  /** Wait the injected 429s ask for (Retry-After and the like); default 1000 ms. */
  retryAfterMs?: number;
  /** Answers 503 to everything between these times (ms since epoch). */
  outage?: { from: number; to: number };
}

export type InjectedFault = 'error' | 'tooManyRequests' | 'reset' | undefined;

export class Faults {
  private config: FaultConfig = {};
  /** Requests delayed since the faults were set (for latencyRequests). */
  private delayed = 0;
  private readonly rng: Rng;

  constructor(seed: number, config: FaultConfig = {}) {
    this.rng = new Rng(seed ^ 0x5eed);
    this.set(config);
  }

  set(config: FaultConfig): void {
    this.config = { ...config };
    this.delayed = 0;
  }

  get current(): FaultConfig {
    return this.config;
  }

  latency(): number {
    const { latencyMs, latencyRequests } = this.config;
    if (latencyMs === undefined) return 0;
    if (latencyRequests !== undefined && this.delayed >= latencyRequests) return 0;
    this.delayed += 1;
    if (typeof latencyMs === 'number') return latencyMs;
    return this.rng.int(latencyMs[0], latencyMs[1]);
  }

  retryAfterMs(): number {
    return this.config.retryAfterMs ?? 1000;
  }

  inOutage(now = Date.now()): boolean {
    const { outage } = this.config;
    return outage !== undefined && now >= outage.from && now < outage.to;
  }

  authFails(): boolean {
    return this.config.authFailure === true;
  }

  /** Draws this request's injected fault, if any. */
  draw(): InjectedFault {
    if (this.rng.chance(this.config.resetRate ?? 0)) return 'reset';
    if (this.rng.chance(this.config.errorRate ?? 0)) return 'error';
    if (this.rng.chance(this.config.tooManyRequestsRate ?? 0)) return 'tooManyRequests';
    return undefined;
  }

  isMalformed(page: number): boolean {
    const { malformedPages } = this.config;
    if (!malformedPages) return false;
    if (Array.isArray(malformedPages)) return malformedPages.includes(page);
    return this.rng.chance(malformedPages.rate);
  }
}
