import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.js';
import { lockDataDir } from './data-dir-lock.js';
import { applyMigrations } from './migrate.js';
import { createFromTemplate } from './pglite-template.js';

export type Prisma = PrismaClient;

export interface DatabaseOptions {
  /** PostgreSQL URL; without it an embedded PGlite database is used. */
  url?: string;
  /** Directory of the embedded database; `memory://` for an in-memory one. */
  dataDir: string;
  /** Receives every SQL statement Prisma sends (tests count them). */
  onQuery?: (sql: string) => void;
  /** Told when the embedded directory's lock was left by a process that is gone and is taken over (data-dir-lock.ts). */
  onStaleLock?: (message: string) => void;
}

export interface Database {
  prisma: PrismaClient;
  kind: 'postgres' | 'pglite';
  /** Applies pending migrations through the wasm schema engine. */
  migrate(): Promise<string[]>;
  /** Runs `SELECT 1`; false when the database cannot be reached. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

function makeClient(adapter: SqlDriverAdapterFactory, onQuery?: (sql: string) => void) {
  const prisma = new PrismaClient({ adapter, log: onQuery ? [{ emit: 'event', level: 'query' }] : [] });
  if (onQuery) (prisma as unknown as { $on(e: 'query', cb: (ev: { query: string }) => void): void }).$on('query', (e) => onQuery(e.query));
  return prisma;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const url = options.url;
    const prisma = makeClient(new PrismaPg({ connectionString: url }), options.onQuery);
    return {
      prisma,
      kind: 'postgres',
      migrate: () => applyMigrations(new PrismaPg({ connectionString: url, max: 1 })),
      ping: () => ping(prisma),
      close: () => prisma.$disconnect(),
    };
  }
  const dir = options.dataDir === 'memory://' ? 'memory://' : resolve(join(options.dataDir, 'pglite'));
  // One process at a time on a directory: a second opener is refused (DataDirLockedError) before touching it.
  const lock = dir === 'memory://' ? null : await lockDataDir(options.dataDir, { onTakeover: options.onStaleLock });
  let pglite: PGlite;
  try {
    // A new directory starts as a copy of an empty database rather than by initdb (pglite-template.ts).
    if (dir !== 'memory://' && !(await createFromTemplate(dir))) await mkdir(dir, { recursive: true });
    pglite = await PGlite.create(dir);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const prisma = makeClient(new PrismaPGlite(gatedClient(pglite)), options.onQuery);
  return {
    prisma,
    kind: 'pglite',
    migrate: () => applyMigrations(new PrismaPGlite(pglite)),
    ping: () => ping(prisma),
    close: async () => {
      try {
        await prisma.$disconnect();
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}

// Statements of a scope marked urgent (sync triggers, readiness) go before the others on PGlite.
const urgency = new AsyncLocalStorage<{ urgent: boolean }>();

/** Runs `fn` (one HTTP request) in a scope that `markUrgent` can flag; only needed with PGlite. */
export function statementScope<T>(fn: () => T): T {
  return urgency.run({ urgent: false }, fn);
}

/** The statements the current scope sends from now on are served first (PGlite). */
export function markUrgent(): void {
  const scope = urgency.getStore();
  if (scope) scope.urgent = true;
}

/**
 * PGlite executes one statement at a time, synchronously on this thread, and hands over to the
 * next waiting statement in a microtask: with many queued, the event loop gets no turn until the
 * queue is empty (no socket read, no timer: /healthz and load shedding wait too), and statements
 * are served in arrival order whatever they are for. This gate orders them instead (urgent scopes
 * first, then arrival) and lets the event loop turn once before each. A transaction holds the
 * gate throughout, as it holds PGlite anyway; its own statements pass.
 */
function gatedClient<T extends object>(client: T): T {
  let busy = false;
  const urgent: Array<() => void> = [];
  const normal: Array<() => void> = [];
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  const acquire = async () => {
    if (busy) await new Promise<void>((resolve) => (urgency.getStore()?.urgent ? urgent : normal).push(resolve));
    busy = true;
    await turn();
  };
  const release = () => {
    const next = urgent.shift() ?? normal.shift();
    if (next) next(); // handed over: stays busy
    else busy = false;
  };
  const gated = async <R>(work: () => Promise<R>): Promise<R> => {
    await acquire();
    try {
      return await work();
    } finally {
      release();
    }
  };
  const yielding = <X extends object>(tx: X): X =>
    new Proxy(tx, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof value !== 'function') return value;
        const fn = value as (...a: unknown[]) => Promise<unknown>;
        if (prop === 'query' || prop === 'exec') return async (...args: unknown[]) => (await turn(), fn.apply(target, args));
        return fn.bind(target);
      },
    });
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      const fn = value as (...a: unknown[]) => Promise<unknown>;
      if (prop === 'query' || prop === 'exec') return (...args: unknown[]) => gated(() => fn.apply(target, args));
      if (prop === 'transaction') return (cb: (tx: object) => unknown) => gated(() => fn.call(target, (tx: object) => cb(yielding(tx))));
      return fn.bind(target);
    },
  });
}

async function ping(prisma: PrismaClient) {
  try {
    await prisma.$queryRawUnsafe('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
