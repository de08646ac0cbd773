/** The CORS list (src/http/cors.ts) applied to Yoga's answers. */
import type { CORSOptions, Plugin } from 'graphql-yoga';
import type { OriginPolicy } from './cors.js';

/** Yoga's `cors` option: headers for allowed origins only; no Origin or a refused one gets none. */
export function corsOptions(allows: OriginPolicy): (request: Request) => CORSOptions {
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !allows(origin, request.headers.get('host') ?? undefined)) return false;
    // 429 and 503 answers say when to come back; a page may read that.
    return { origin, credentials: false, methods: ['GET', 'POST'], exposedHeaders: ['Retry-After'], maxAge: 600 };
  };
}

/** Every answer depends on the Origin it was asked from: caches must keep them apart. */
export const useVaryOrigin = (): Plugin => ({
  onResponse({ response }) {
    const vary = response.headers.get('vary');
    if (!vary?.split(',').some((name) => name.trim().toLowerCase() === 'origin')) response.headers.set('vary', vary ? `${vary}, Origin` : 'Origin');
  },
});
