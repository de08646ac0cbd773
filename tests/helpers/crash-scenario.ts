/**
 * A database for a crash test: a child service process is killed on it and another started on it.
 * PostgreSQL: a scratch database. PGlite: a data directory one process owns at a time, inspected
 * through a copy, so the next process recovers the directory the killed one left, untouched.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { backend, createScratchDatabase } from './app.js';

/** Raw SQL over the test's database, whichever backend it is. */
export interface Store {
  query<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** One database for one scenario, plus how a child process and the test reach it. */
export interface Scenario {
  env: Record<string, string>;
  /**
   * A view of the database while no child has it open. On PGlite it is a copy of the data
   * directory, so the next process recovers the directory the killed one left, untouched.
   */
  inspect(): Promise<Store>;
  drop(): Promise<void>;
}

const tempDirs: string[] = [];

/** Removes the data directories and copies the scenarios made. */
export function removeScenarioDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
};

export async function createScenario(prefix = 'stockline-crash-'): Promise<Scenario> {
  const dataDir = tempDir(prefix);
  const env = { DATA_DIR: dataDir };
  if (backend === 'postgres') {
    const scratch = await createScratchDatabase();
    return {
      env: { ...env, DATABASE_URL: scratch.url },
      async inspect() {
        const client = new pg.Client({ connectionString: scratch.url });
        await client.connect();
        return { query: async (sql, params) => (await client.query(sql, params)).rows, close: () => client.end() };
      },
      drop: () => scratch.drop(),
    };
  }
  return {
    env,
    async inspect() {
      const copy = tempDir(`${prefix}copy-`);
      cpSync(join(dataDir, 'pglite'), copy, { recursive: true });
      const db = await PGlite.create(copy);
      return { query: async (sql, params) => (await db.query(sql, params)).rows as any[], close: () => db.close() };
    },
    drop: async () => {},
  };
}

