/**
 * `GET /metrics` (and HEAD): this instance's metrics in the Prometheus text format. Open when
 * METRICS_TOKEN is unset (scrapers on the internal network); with it set, the request must carry
 * `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise). Returns false for any other path.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppServices } from '../../core/services.js';
import { requestUrl } from '../../http/request-url.js';

export async function handleMetrics(req: IncomingMessage, res: ServerResponse, services: AppServices, token: string | undefined): Promise<boolean> {
  // Every request passes here first: most are told apart without parsing a URL (a path of /metrics always contains it).
  if (!req.url?.includes('/metrics')) return false;
  const { pathname } = requestUrl(req);
  if (pathname !== '/metrics') return false;
  const { metrics } = services;
  if (!metrics) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method Not Allowed\n');
    return true;
  }
  if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
    res.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('Unauthorized\n');
    return true;
  }
  const body = await metrics.registry.metrics();
  res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

/** Constant-time comparison of the presented bearer token (hashed first, so lengths never leak). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim();
  if (!presented) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(token));
}
