/**
 * testConnection for Wildberries: every host the account uses answers its /ping (01-general.yaml:
 * reachable, token valid, token category matches that API), then one cheap read per category the
 * sync needs shows the token may call it (a token limited to some categories gets 401 elsewhere).
 * Statistics is optional (FBW data only): its check fails on a token without the category, with
 * a message saying what is skipped, but the result stays ok.
 */
import type { z } from 'zod';
import type { ConnectionCheck, ConnectionResult, PushOptions } from '../connector.js';
import { probeConnection } from '../shared/transport.js';
import type { WbClient, WbRequest } from './client.js';
import type { WbHost } from './hosts.js';
import { cardsAnswer, goodsAnswer, pingAnswer, warehousesAnswer } from './schemas.js';

const LABELS: Record<WbHost, string> = { content: 'content', prices: 'prices', marketplace: 'marketplace', statistics: 'statistics' };

interface Probe {
  name: string;
  request: Omit<WbRequest, 'signal'>;
  schema: z.ZodType;
  /** What a refused token (401) still allows: the check fails but the account works. */
  optional?: string;
}

/** docs/marketplaces/wildberries.md: the Statistics category only adds WB-held (FBW) data. */
const WITHOUT_STATISTICS = 'the token lacks the Statistics category: FBW orders and WB-held stock will be skipped, everything else works';

const hostName = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

export async function checkWbConnection(client: WbClient, options: PushOptions = {}): Promise<ConnectionResult> {
  const probes: Probe[] = (Object.keys(LABELS) as WbHost[]).map((host) => ({
    name: `${LABELS[host]} API (${hostName(client.hosts[host])})`,
    // Not retried: /ping allows 3 calls per 30 s per host and WB blocks callers that repeat it.
    request: { host, method: 'GET', path: '/ping', budget: `ping-${host}`, retries: 0 },
    schema: pingAnswer,
    ...(host === 'statistics' ? { optional: WITHOUT_STATISTICS } : {}),
  }));
  probes.push(
    {
      name: 'content scope (cards)',
      request: { host: 'content', method: 'POST', path: '/content/v2/get/cards/list', query: { locale: 'ru' }, body: { settings: { cursor: { limit: 1 }, filter: { withPhoto: -1 } } }, budget: 'content' },
      schema: cardsAnswer,
    },
    {
      name: 'prices scope (prices and discounts)',
      request: { host: 'prices', method: 'GET', path: '/api/v2/list/goods/filter', query: { limit: 1, offset: 0 }, budget: 'prices' },
      schema: goodsAnswer,
    },
    {
      name: 'marketplace scope (warehouses, stocks, orders)',
      request: { host: 'marketplace', method: 'GET', path: '/api/v3/warehouses', budget: 'stocks' },
      schema: warehousesAnswer,
    },
  );
  const checks: ConnectionCheck[] = [];
  let failed: ConnectionCheck | undefined;
  for (const probe of probes) {
    const result = await probeConnection(() => client.call({ retries: 1, ...probe.request, signal: options.signal }, probe.schema), options.signal);
    if (result.ok) {
      checks.push({ name: probe.name, ok: true });
      continue;
    }
    // Only a refused category is optional: an unreachable or failing host would fail the sync too.
    const tolerated = probe.optional !== undefined && result.kind === 'AUTH';
    const check: ConnectionCheck = { name: probe.name, ok: false, kind: result.kind, message: tolerated ? `${probe.optional} (${result.message})` : result.message };
    checks.push(check);
    if (!tolerated) failed ??= check;
  }
  if (!failed) return { ok: true, checks };
  return { ok: false, kind: failed.kind ?? 'REMOTE', message: `${failed.name}: ${failed.message ?? 'failed'}`, checks };
}
