/**
 * One migrated database per run that each test file's database is copied from, instead of every
 * file running the migrations through the wasm schema engine (and, on PGlite, initdb) again.
 *
 * tests/helpers/template-database.setup.ts (vitest globalSetup) makes the templates once per run and
 * hands their names to the forked workers through the environment: on PostgreSQL a database no one
 * connects to (`CREATE DATABASE … TEMPLATE` refuses a template that has connections), on PGlite a
 * data directory on tmpfs. Without the setup (a script, a bench) every helper here returns null and
 * callers migrate as before.
 */
import { cp, mkdtemp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PG_TEMPLATE_ENV = 'STOCKLINE_TEST_PG_TEMPLATE';
export const PGLITE_TEMPLATE_ENV = 'STOCKLINE_TEST_PGLITE_TEMPLATE';

/** tmpfs when there is one: PGlite's fsyncs on a copied data directory then cost nothing. */
export const scratchRoot = () => (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());

/** The migrated PostgreSQL template of this run, or null. */
export const postgresTemplate = () => process.env[PG_TEMPLATE_ENV] || null;

/**
 * A new directory holding a copy of the migrated PGlite data directory as `<dir>/pglite`, the
 * layout openDatabase expects for DATA_DIR=<dir>; null without a template.
 */
export async function copyPgliteTemplate(prefix: string): Promise<string | null> {
  const template = process.env[PGLITE_TEMPLATE_ENV];
  if (!template) return null;
  const dir = await mkdtemp(join(scratchRoot(), `stockline-${prefix}-`));
  await cp(template, join(dir, 'pglite'), { recursive: true });
  return dir;
}
