/**
 * Which browser origins may read the API's answers (CORS, src/http/cors.plugin.ts) and open
 * its WebSocket (src/graphql/websocket.ts). Tokens travel in the Authorization header, never in
 * cookies, so no credentials are invited; the list is what keeps a page on another site (or a
 * site reaching a service on a private network through a visitor's browser) from reading it.
 */
import type { Env } from '../env.js';

/** `(origin, host)`: whether a page at `origin` may call the service it reached as `host` (the Host header). */
export type OriginPolicy = (origin: string, host: string | undefined) => boolean;

/** In development, a frontend served by a dev server on this machine, whatever its port. */
const DEVELOPMENT_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'];

/** A matcher for one CORS_ORIGINS entry (validated by src/env.ts): `*`, an origin, or an origin with port `*`. */
function matcher(entry: string): (origin: URL) => boolean {
  if (entry === '*') return () => true;
  const anyPort = entry.endsWith(':*');
  const allowed = new URL(anyPort ? entry.slice(0, -2) : entry);
  return anyPort ? (origin) => origin.protocol === allowed.protocol && origin.hostname === allowed.hostname : (origin) => origin.origin === allowed.origin;
}

export function corsOriginPolicy(env: Pick<Env, 'CORS_ORIGINS' | 'PUBLIC_URL' | 'NODE_ENV'>): OriginPolicy {
  const entries = env.CORS_ORIGINS ?? (env.NODE_ENV === 'development' ? DEVELOPMENT_ORIGINS : []);
  const matchers = [...entries, ...(env.PUBLIC_URL ? [new URL(env.PUBLIC_URL).origin] : [])].map(matcher);
  return (origin, host) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // "null" (sandboxed frames, file://) and garbage
    }
    // Browsers send an origin serialized (lowercase, no default port, no path or user): anything
    // else came from no browser, and echoing it back as Access-Control-Allow-Origin would be nonsense.
    if (url.origin !== origin || (url.protocol !== 'http:' && url.protocol !== 'https:')) return false;
    // Same host as the request: the dashboard and GraphiQL this service serves (scheme may differ behind a TLS proxy).
    if (host !== undefined && url.host === host.toLowerCase()) return true;
    return matchers.some((matches) => matches(url));
  };
}
