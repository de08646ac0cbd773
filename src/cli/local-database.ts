/**
 * The database the service would use (DATABASE_URL, or the embedded PGlite in DATA_DIR), opened
 * directly by commands that must work without a running service: `migrate`, and `token create`
 * (the first token cannot come through the API). The embedded database is a single-process
 * database: on a DATA_DIR a running service holds they are refused (src/db/data-dir-lock.ts) and
 * say what to do instead.
 */
import { resolve } from 'node:path';
import { DataDirLockedError } from '../db/data-dir-lock.js';
import { openDatabase, type Database } from '../db/database.js';
import { ConfigError, parseEnv, type Env } from '../env.js';
import { CliError } from './cli-error.js';

/** Where the database is, without credentials: "PostgreSQL db.example:5432/stockline" or "PGlite in /srv/data". */
export function describeDatabase(env: Pick<Env, 'DATABASE_URL' | 'DATA_DIR'>): string {
  if (!env.DATABASE_URL) return `embedded PGlite in ${resolve(env.DATA_DIR)}`;
  const url = new URL(env.DATABASE_URL);
  return `PostgreSQL ${url.host}${url.pathname}`;
}

/**
 * Opens the configured database for `work` and closes it afterwards; failures name the database,
 * not its password. `whileRunning` tells what to do instead when a running service holds the
 * embedded database.
 */
export async function withLocalDatabase<T>(work: (db: Database, env: Env) => Promise<T>, whileRunning = ''): Promise<T> {
  let env: Env;
  try {
    env = parseEnv();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  const where = describeDatabase(env);
  let db: Database;
  try {
    db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR, onStaleLock: (message) => console.error(`stockline: ${message}`) });
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      throw new CliError(`${error.message}\nNothing was changed. Stop the service first, then run this again.${whileRunning ? ` ${whileRunning}` : ''}`);
    }
    throw new CliError(`Cannot open the ${where}: ${(error as Error).message}`);
  }
  try {
    return await work(db, env);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Failed on the ${where}: ${(error as Error).message ?? String(error)}`);
  } finally {
    await db.close().catch(() => {});
  }
}
