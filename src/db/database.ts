import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.js';
import { applyMigrations } from './migrate.js';

export type Prisma = PrismaClient;

export interface DatabaseOptions {
  /** PostgreSQL URL; without it an embedded PGlite database is used. */
  url?: string;
  /** Directory of the embedded database; `memory://` for an in-memory one. */
  dataDir: string;
  /** Receives every SQL statement Prisma sends (tests count them). */
  onQuery?: (sql: string) => void;
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
  if (dir !== 'memory://') await mkdir(dir, { recursive: true });
  const pglite = await PGlite.create(dir);
  const prisma = makeClient(new PrismaPGlite(pglite), options.onQuery);
  return {
    prisma,
    kind: 'pglite',
    migrate: () => applyMigrations(new PrismaPGlite(pglite)),
    ping: () => ping(prisma),
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

async function ping(prisma: PrismaClient) {
  try {
    await prisma.$queryRawUnsafe('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
