/** Builds the rate budgets and HTTP client of one connector from its account and context. */
import type { Channel, ConnectionResult, ConnectorAccount, ConnectorContext, RateLimitRule } from '../connector.js';
import { ConnectorError, isAbortError } from './errors.js';
import { HttpClient, type ErrorMapper } from './http-client.js';
import { childLogger, type Logger } from './logger.js';
import { defaultBudgetRegistry, DEFAULT_HEADROOM, type RequestBudget } from './rate-limit.js';
import { oneLine, Redactor } from './redact.js';

/** Longest connection-test message: the error's own prefix and a body excerpt of at most 200 characters. */
const MAX_PROBE_MESSAGE = 300;

export interface TransportSpec {
  channel: Channel;
  /** Documented budgets by endpoint class; the account's rateLimits override them. */
  defaults: Record<string, RateLimitRule>;
  headers: () => Record<string, string>;
  /** Derived secrets (e.g. the Basic header value) on top of the raw credentials. */
  extraSecrets?: string[];
  mapError?: ErrorMapper;
}

export interface Transport {
  http: HttpClient;
  logger: Logger;
  rateLimits: Record<string, RateLimitRule>;
}

export function buildTransport(account: ConnectorAccount, context: ConnectorContext, spec: TransportSpec): Transport {
  const rateLimits: Record<string, RateLimitRule> = { ...spec.defaults };
  for (const [name, rule] of Object.entries(account.rateLimits ?? {})) {
    if (rule && name in rateLimits) rateLimits[name] = rule;
  }
  const registry = context.budgets ?? defaultBudgetRegistry;
  const budgets: Record<string, RequestBudget> = {};
  for (const [name, rule] of Object.entries(rateLimits)) {
    budgets[name] = registry.get({
      key: `${account.id}:${name}`,
      rule,
      headroom: context.headroom ?? DEFAULT_HEADROOM,
      redis: context.redis,
    });
  }
  const logger = childLogger(context.logger, { component: 'connector', channel: spec.channel, accountId: account.id });
  const redactor = new Redactor([...Object.values(account.credentials), ...(spec.extraSecrets ?? [])]);
  const http = new HttpClient({
    channel: spec.channel,
    budgets,
    redactor,
    logger,
    headers: spec.headers,
    mapError: spec.mapError,
    retries: context.retries ?? 5,
    baseDelayMs: context.retryBaseDelayMs ?? 500,
    maxDelayMs: context.retryMaxDelayMs ?? 30_000,
    timeoutMs: context.timeoutMs ?? 30_000,
    onResponse: context.onResponse,
    targets: context.targets,
  });
  return { http, logger, rateLimits };
}

/** Runs a connection probe and turns its failure into testConnection's answer. */
export async function probeConnection(probe: () => Promise<unknown>, signal?: AbortSignal): Promise<ConnectionResult> {
  try {
    await probe();
    return { ok: true };
  } catch (error) {
    if (signal?.aborted || isAbortError(error)) throw error;
    if (error instanceof ConnectorError) {
      const kind =
        error.kind === 'AUTH' || error.kind === 'RATE_LIMIT' || error.kind === 'NETWORK'
          ? error.kind
          : error.kind === 'TIMEOUT'
            ? 'NETWORK'
            : 'REMOTE';
      return { ok: false, kind, message: oneLine(error.message, MAX_PROBE_MESSAGE) };
    }
    return { ok: false, kind: 'REMOTE', message: oneLine(error instanceof Error ? error.message : 'unknown error', MAX_PROBE_MESSAGE) };
  }
}

/** The credential named `name`, or a clear error that does not echo any value. */
export function requireCredential(account: ConnectorAccount, name: string): string {
  const value = account.credentials[name];
  if (!value) throw new Error(`${account.channel} account ${account.id}: credential "${name}" is missing`);
  return value;
}

/** Joins a base URL and a path without doubling or dropping slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
