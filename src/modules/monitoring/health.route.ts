import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '../../db/database.js';
import type { AppServices } from '../../core/services.js';
import { syncHealth } from './health.service.js';
import { requestUrl } from '../../http/request-url.js';

/**
 * `/healthz`: liveness, the process answers (never touches the database).
 * `/readyz`: readiness, reflecting `syncHealth`. 200 when OK and also when DEGRADED (a stale
 * marketplace account is no reason for a load balancer to pull an instance: every instance would
 * be pulled alike), with the stale and alerting accounts listed; 503 when DOWN (database
 * unreachable). `/readyz?strict=1` also answers 503 when DEGRADED, for monitors that page on it.
 * The endpoint is unauthenticated, so accounts are named by id and channel only.
 *
 * Stuck runs (RUNNING, heartbeat older than SYNC_STALE_AFTER_MS) make it DEGRADED and are listed.
 * With REDIS_URL, `redis` says "up" or "down". Redis down is DEGRADED (200) on api and all
 * instances: queries, mutations and syncs do not need it (only events between instances and the
 * shared rate-limit counters do, and both fall back to this instance), and every instance shares
 * the one Redis, so pulling them all from the load balancer would turn a partial outage into a
 * full one. On a worker it is DOWN (503): no load balancer sits in front of it, and the progress
 * and events of the runs it executes no longer reach the api instances' subscribers.
 */
export async function handleHealth(
  req: IncomingMessage,
  res: ServerResponse,
  db: Database,
  services: AppServices,
  options: { redisUp?: () => boolean; role?: 'api' | 'worker' | 'all' } = {},
): Promise<boolean> {
  const url = requestUrl(req);
  if (url.pathname === '/healthz') {
    send(res, 200, { status: 'ok' });
    return true;
  }
  if (url.pathname === '/readyz') {
    const strict = ['1', 'true', 'yes'].includes(url.searchParams.get('strict') ?? '');
    const redisField = options.redisUp ? { redis: options.redisUp() ? ('up' as const) : ('down' as const) } : {};
    let health;
    try {
      health = await syncHealth(services, { ping: () => db.ping() });
    } catch (error) {
      // Reachable a moment ago but failing now: treat as down rather than answering 500.
      services.logger.warn({ err: error }, 'readiness check failed');
      send(res, 503, { status: 'DOWN', database: 'down', ...redisField, checkedAt: new Date().toISOString() });
      return true;
    }
    const redisDown = redisField.redis === 'down';
    const status = redisDown && options.role === 'worker' ? 'DOWN' : redisDown && health.status === 'OK' ? 'DEGRADED' : health.status;
    const ok = status === 'OK' || (status === 'DEGRADED' && !strict);
    send(res, ok ? 200 : 503, {
      status,
      database: health.databaseReachable ? 'up' : 'down',
      ...redisField,
      runsInProgress: health.runsInProgress,
      checkedAt: health.checkedAt.toISOString(),
      staleAccounts: health.accounts
        .filter((a) => a.stale)
        .map((a) => ({ id: a.account.id, channel: a.account.channel, lastSuccessAt: a.lastSuccessAt?.toISOString() ?? null, lagSeconds: a.lagSeconds })),
      alertingAccounts: health.accounts
        .filter((a) => a.activeAlerts.length > 0)
        .map((a) => ({ id: a.account.id, channel: a.account.channel, alerts: a.activeAlerts })),
      stuckRuns: health.stuckRuns.map((r) => ({ id: r.id, accountId: r.accountId, heartbeatAt: r.heartbeatAt?.toISOString() ?? null, pagesDone: r.pagesDone })),
    });
    return true;
  }
  return false;
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
