import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '../db/database.js';
import type { AppServices } from '../graphql/context.js';
import { syncHealth } from '../modules/monitoring/health.service.js';

/**
 * `/healthz`: liveness, the process answers (never touches the database).
 * `/readyz`: readiness, reflecting `syncHealth`. 200 when OK and also when DEGRADED (a stale
 * marketplace account is no reason for a load balancer to pull an instance: every instance would
 * be pulled alike), with the stale and alerting accounts listed; 503 when DOWN (database
 * unreachable). `/readyz?strict=1` also answers 503 when DEGRADED, for monitors that page on it.
 * The endpoint is unauthenticated, so accounts are named by id and channel only.
 */
export async function handleHealth(req: IncomingMessage, res: ServerResponse, db: Database, services: AppServices): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/healthz') {
    send(res, 200, { status: 'ok' });
    return true;
  }
  if (url.pathname === '/readyz') {
    const strict = ['1', 'true', 'yes'].includes(url.searchParams.get('strict') ?? '');
    let health;
    try {
      health = await syncHealth(services, { ping: () => db.ping() });
    } catch (error) {
      // Reachable a moment ago but failing now: treat as down rather than answering 500.
      services.logger.warn({ err: error }, 'readiness check failed');
      send(res, 503, { status: 'DOWN', database: 'down', checkedAt: new Date().toISOString() });
      return true;
    }
    const ok = health.status === 'OK' || (health.status === 'DEGRADED' && !strict);
    send(res, ok ? 200 : 503, {
      status: health.status,
      database: health.databaseReachable ? 'up' : 'down',
      runsInProgress: health.runsInProgress,
      checkedAt: health.checkedAt.toISOString(),
      staleAccounts: health.accounts
        .filter((a) => a.stale)
        .map((a) => ({ id: a.account.id, channel: a.account.channel, lastSuccessAt: a.lastSuccessAt?.toISOString() ?? null, lagSeconds: a.lagSeconds })),
      alertingAccounts: health.accounts
        .filter((a) => a.activeAlerts.length > 0)
        .map((a) => ({ id: a.account.id, channel: a.account.channel, alerts: a.activeAlerts })),
    });
    return true;
  }
  return false;
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
