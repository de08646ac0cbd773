/** Count and time every HTTP request the server answers, under a bounded route label. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from './metrics.registry.js';

export type RouteLabel = '/graphql' | '/metrics' | '/healthz' | '/readyz' | '/files' | '/webhooks/test' | '/' | 'other';

const EXACT: Record<string, RouteLabel> = {
  '/graphql': '/graphql',
  '/metrics': '/metrics',
  '/healthz': '/healthz',
  '/readyz': '/readyz',
  '/webhooks/test': '/webhooks/test',
  '/': '/',
};

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The route a path belongs to; anything unknown (scanners, typos) is "other", so labels stay few. */
export function routeOf(url: string | undefined): RouteLabel {
  const path = (url ?? '/').split('?', 1)[0]!.replace(/(.)\/+$/, '$1');
  if (path in EXACT) return EXACT[path]!;
  if (path.startsWith('/files/')) return '/files';
  // The dashboard (src/http/dashboard.ts): its page and its hashed assets.
  if (path === '/index.html' || path.startsWith('/assets/')) return '/';
  return 'other';
}

/** Starts timing `req`; the request is counted when its response ends or the client goes away. */
export function trackHttpRequest(metrics: Metrics | undefined, req: IncomingMessage, res: ServerResponse, onError?: (error: unknown) => void): void {
  if (!metrics) return;
  const started = process.hrtime.bigint();
  res.once('close', () => {
    // Runs outside any request handler: a throw here would be uncaught, so counting is best effort.
    try {
      const labels = {
        method: METHODS.has(req.method ?? '') ? req.method! : 'other',
        route: routeOf(req.url),
        status: res.writableFinished ? String(res.statusCode) : 'aborted',
      };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    } catch (error) {
      onError?.(error);
    }
  });
}
