import { createHash, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Env } from '../env.js';

/**
 * The namespace of this deployment's Redis channels and keys (REDIS_PREFIX). Deployments that
 * share one Redis must not hear each other's events nor spend each other's rate budgets, while
 * the instances of one deployment must share it. They share the database, so by default the
 * namespace is derived from it: `stockline:` + a hash of DATABASE_URL's host, port, database and
 * schema, or of DATA_DIR's absolute path. An in-memory database belongs to one process: a random
 * namespace. Instances that reach one database under different host names set REDIS_PREFIX.
 */
export function redisPrefix(env: Pick<Env, 'REDIS_PREFIX' | 'DATABASE_URL' | 'DATA_DIR'>): string {
  if (env.REDIS_PREFIX) return env.REDIS_PREFIX;
  return `stockline:${createHash('sha256').update(databaseIdentity(env)).digest('hex').slice(0, 16)}`;
}

/** What tells one database from another; credentials and connection options do not. */
function databaseIdentity(env: Pick<Env, 'DATABASE_URL' | 'DATA_DIR'>): string {
  if (env.DATABASE_URL) {
    const url = new URL(env.DATABASE_URL);
    // PostgreSQL's default database is the user's name; Prisma's default schema is public.
    const database = decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username);
    return `postgres:${url.hostname}:${url.port || '5432'}/${database}?schema=${url.searchParams.get('schema') ?? 'public'}`;
  }
  if (env.DATA_DIR.startsWith('memory://')) return `memory:${randomUUID()}`;
  return `pglite:${resolve(env.DATA_DIR)}`;
}
