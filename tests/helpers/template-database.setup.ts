/**
 * vitest globalSetup: the migrated template database of the project's backend, made once per run
 * and removed at teardown; see tests/helpers/template-database.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { TestProject } from 'vitest/node';
import { applyMigrations } from '../../src/db/migrate.js';
import { createFromTemplate } from '../../src/db/pglite-template.js';
import { PG_TEMPLATE_ENV, PGLITE_TEMPLATE_ENV, scratchRoot } from './template-database.js';

const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function postgresTemplate() {
  const name = `stockline_template_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  await applyMigrations(new PrismaPg({ connectionString: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`), max: 1 }));
  // Copies are made while tests run: nobody may stay connected to (or connect to) the template.
  await admin(async (c) => {
    await c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
  });
  process.env[PG_TEMPLATE_ENV] = name;
  return async () => {
    delete process.env[PG_TEMPLATE_ENV];
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  };
}

async function pgliteTemplate() {
  const root = await mkdtemp(join(scratchRoot(), 'stockline-template-'));
  const dir = join(root, 'pglite');
  // Unpacked from the committed template as a new DATA_DIR is (initdb and most migrations done).
  await createFromTemplate(dir);
  const db = await PGlite.create(dir);
  try {
    await applyMigrations(new PrismaPGlite(db));
  } finally {
    await db.close();
  }
  process.env[PGLITE_TEMPLATE_ENV] = dir;
  return async () => {
    delete process.env[PGLITE_TEMPLATE_ENV];
    await rm(root, { recursive: true, force: true });
  };
}

/**
 * Each project runs this setup. The first one makes the templates of every database project in the
 * run: the schema engine's wasm glue is one module per process, and a second project's copy of
 * migrate.ts instantiating it again makes the engine panic.
 */
export default async function setup(project: TestProject) {
  if (process.env[PG_TEMPLATE_ENV] || process.env[PGLITE_TEMPLATE_ENV]) return;
  const backends = new Set(project.vitest.projects.map((p) => p.config.env?.TEST_DB));
  const teardowns: (() => Promise<void>)[] = [];
  if (backends.has('postgres')) teardowns.push(await postgresTemplate());
  if (backends.has('pglite')) teardowns.push(await pgliteTemplate());
  return async () => {
    for (const teardown of teardowns) await teardown();
  };
}
