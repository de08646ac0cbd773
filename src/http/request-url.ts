import type { IncomingMessage } from 'node:http';

/**
 * The URL of a request as the service's own routes read it. A request target is a path
 * (`/healthz`): `new URL(target, base)` would read one starting with `//` as a host and a path
 * (`//x/healthz` as host x, path /healthz), so a path no route serves reached /healthz, /readyz or
 * the dashboard. The base host is a placeholder; only the path and the query are read.
 */
export function requestUrl(req: Pick<IncomingMessage, 'url'>): URL {
  const target = req.url ?? '/';
  // Origin form (every browser and probe) is appended to the placeholder origin as it stands;
  // absolute form (`GET http://host/path`, sent to proxies) and `*` are parsed as URLs.
  return target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target, 'http://localhost/');
}
