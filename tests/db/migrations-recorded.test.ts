/**
 * A start whose database already holds every migration does not load Prisma's schema engine (a 5 MB
 * wasm module, about a second of CPU): `recordedAsApplied` reads `_prisma_migrations` and says
 * whether there is anything for the engine to do. Whatever it is unsure of goes to the engine, which
 * applies or reports it as `prisma migrate deploy` would (issue 15 item 9: a fast first start).
 */
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, readMigrations, recordedAsApplied } from '../../src/db/migrate.js';
import { backend, createScratchDatabase } from '../helpers/app.js';

let factory: object;
let sql: (statement: string) => Promise<unknown>;
let close: () => Promise<void>;

beforeAll(async () => {
  if (backend === 'postgres') {
    const scratch = await createScratchDatabase();
    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    factory = new PrismaPg({ connectionString: scratch.url, max: 1 });
    sql = (statement) => client.query(statement);
    close = async () => {
      await client.end();
      await scratch.drop();
    };
  } else {
    const pglite = await PGlite.create('memory://');
    factory = new PrismaPGlite(pglite);
    sql = (statement) => pglite.exec(statement);
    close = () => pglite.close();
  }
});
afterAll(() => close?.());

const upToDate = async (list?: Awaited<ReturnType<typeof readMigrations>>) => recordedAsApplied(factory, list ?? (await readMigrations()));

describe('recordedAsApplied', () => {
  it('is false on an empty database, true once the engine applied every migration, and then nothing is applied', async () => {
    expect(await upToDate()).toBe(false);
    const all = (await readMigrations()).migrationDirectories.map((d) => d.path);
    expect(await applyMigrations(factory)).toEqual(all);
    expect(await upToDate()).toBe(true);
    expect(await applyMigrations(factory)).toEqual([]);
  });

  it('is false when a migration on disk is not in the database (an upgrade)', async () => {
    const list = await readMigrations();
    const newer = { path: '29991231000000_from_a_newer_release', migrationFile: { path: 'migration.sql', content: { tag: 'ok' as const, value: 'SELECT 1;' } } };
    expect(await upToDate({ ...list, migrationDirectories: [...list.migrationDirectories, newer] })).toBe(false);
  });

  it('is false for a failed, a rolled back, an edited or an unknown migration in the database', async () => {
    const first = (await readMigrations()).migrationDirectories[0]!.path;
    for (const change of [
      `UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = '${first}'`,
      `UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '${first}'`,
      `UPDATE _prisma_migrations SET checksum = 'edited' WHERE migration_name = '${first}'`,
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at, applied_steps_count)
         VALUES ('unknown', 'x', '29991231000000_from_a_newer_release', now(), 1)`,
    ]) {
      await sql('CREATE TEMP TABLE saved AS SELECT * FROM _prisma_migrations');
      await sql(change);
      expect(await upToDate(), change).toBe(false);
      await sql('DELETE FROM _prisma_migrations');
      await sql('INSERT INTO _prisma_migrations SELECT * FROM saved');
      await sql('DROP TABLE saved');
      expect(await upToDate()).toBe(true);
    }
  });
});
