/**
 * isDatabaseUnavailable on the errors the drivers really throw (review finding 9): an outage (a
 * dropped socket, a terminated backend, a refused connection) is recognised however it surfaces —
 * pg's own errors, Prisma's through @prisma/adapter-pg, PGlite's — while a statement the database
 * refused (a serialization conflict 40001, a unique violation, bad input) is not an outage.
 */
import { randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../../src/generated/prisma/client.js';
import { backend } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { isDatabaseUnavailable } from '../../src/db/errors.js';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const SERIALIZATION_FAILURE = `DO $$ BEGIN RAISE EXCEPTION 'could not serialize access' USING ERRCODE = '40001'; END $$`;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

/** A TCP proxy to PostgreSQL whose connections can be cut mid-statement (a network failure). */
async function cuttableProxy(): Promise<{ url: string; cut: () => void }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(5432, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => {});
    upstream.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  const { port } = server.address() as AddressInfo;
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, cut: () => sockets.forEach((s) => s.destroy()) };
}

const caught = async (work: () => Promise<unknown>): Promise<unknown> => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the statement to fail');
};

let observer: pg.Client | undefined;
/** Runs `run` with a long statement, waits until PostgreSQL runs it, then makes the database side go away under it. */
async function cutDuring(run: (statement: string) => Promise<unknown>, cut: () => void): Promise<unknown> {
  if (!observer) {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    cleanups.push(() => client.end());
    observer = client;
  }
  const statement = `SELECT pg_sleep(5) -- ${randomUUID()}`;
  const pending = caught(() => run(statement));
  // Mid-statement, not before it: a cut that comes first can miss a connection still being made.
  const active = async () => (await observer!.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1 AND state = 'active'`, [statement])).rows[0].n === 1;
  await waitFor(active, { what: 'the statement to run', intervalMs: 10 });
  cut();
  return pending;
}

describe('isDatabaseUnavailable', () => {
  if (backend === 'postgres') {
    it('pg: a connection cut mid-statement ("Connection terminated unexpectedly", no code) is an outage; a refused connection and a terminated backend are too', async () => {
      const proxy = await cuttableProxy();
      const client = new pg.Client({ connectionString: proxy.url });
      client.on('error', () => {});
      await client.connect();
      const cut = (await cutDuring((sql) => client.query(sql), proxy.cut)) as Error & { code?: string };
      expect(cut.message).toMatch(/Connection terminated unexpectedly/);
      expect(cut.code).toBeUndefined();
      expect(isDatabaseUnavailable(cut)).toBe(true);

      const refused = await caught(() => new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:1/postgres' }).connect());
      expect(isDatabaseUnavailable(refused)).toBe(true);

      const victim = new pg.Client({ connectionString: PG_URL });
      victim.on('error', () => {});
      await victim.connect();
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      cleanups.push(() => admin.end());
      const pid = (await victim.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const terminated = await cutDuring((sql) => victim.query(sql), () => void admin.query('SELECT pg_terminate_backend($1)', [pid]));
      expect(isDatabaseUnavailable(terminated)).toBe(true);
    });

    it('pg: a serialization conflict (40001), a unique violation and bad input are not an outage', async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      cleanups.push(() => client.end());
      const conflict = (await caught(() => client.query(SERIALIZATION_FAILURE))) as { code?: string };
      expect(conflict.code).toBe('40001');
      expect(isDatabaseUnavailable(conflict)).toBe(false);
      expect(isDatabaseUnavailable(await caught(() => client.query(`SELECT 'x'::int`)))).toBe(false);
      expect(isDatabaseUnavailable(await caught(() => client.query(`SELECT E'a\\x00b'`)))).toBe(false);
    });

    it('Prisma through @prisma/adapter-pg: a cut connection and an unreachable server are an outage; a serialization conflict is not', async () => {
      const proxy = await cuttableProxy();
      const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: proxy.url }) });
      cleanups.push(() => prisma.$disconnect());
      await prisma.$queryRawUnsafe('SELECT 1');
      const conflict = await caught(() => prisma.$executeRawUnsafe(SERIALIZATION_FAILURE));
      expect(isDatabaseUnavailable(conflict), String(conflict)).toBe(false);
      const conflictInTx = await caught(() => prisma.$transaction(async (tx) => tx.$executeRawUnsafe(SERIALIZATION_FAILURE)));
      expect(isDatabaseUnavailable(conflictInTx), String(conflictInTx)).toBe(false);
      const bad = await caught(() => prisma.$queryRawUnsafe(`SELECT 'x'::int`));
      expect(isDatabaseUnavailable(bad), String(bad)).toBe(false);

      const cut = await cutDuring((sql) => prisma.$queryRawUnsafe(sql), proxy.cut);
      expect(isDatabaseUnavailable(cut), String(cut)).toBe(true);
      const cutInTx = await cutDuring((sql) => prisma.$transaction(async (tx) => tx.$queryRawUnsafe(sql)), proxy.cut);
      expect(isDatabaseUnavailable(cutInTx), String(cutInTx)).toBe(true);

      const unreachable = new PrismaClient({ adapter: new PrismaPg({ connectionString: 'postgres://postgres@127.0.0.1:1/postgres' }) });
      cleanups.push(() => unreachable.$disconnect());
      const refused = await caught(() => unreachable.$queryRawUnsafe('SELECT 1'));
      expect(isDatabaseUnavailable(refused), String(refused)).toBe(true);
    });
  }

  if (backend === 'pglite') {
    it('PGlite through its Prisma adapter: a serialization conflict and bad input are not an outage', async () => {
      const db = await PGlite.create('memory://');
      const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
      cleanups.push(() => prisma.$disconnect());
      const conflict = await caught(() => prisma.$executeRawUnsafe(SERIALIZATION_FAILURE));
      expect(isDatabaseUnavailable(conflict), String(conflict)).toBe(false);
      const conflictInTx = await caught(() => prisma.$transaction(async (tx) => tx.$executeRawUnsafe(SERIALIZATION_FAILURE)));
      expect(isDatabaseUnavailable(conflictInTx), String(conflictInTx)).toBe(false);
      expect(isDatabaseUnavailable(await caught(() => prisma.$queryRawUnsafe(`SELECT 'x'::int`)))).toBe(false);
      expect(isDatabaseUnavailable(await caught(() => db.query(SERIALIZATION_FAILURE)))).toBe(false);
    });
  }
});
