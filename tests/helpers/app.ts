import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { buildApp, type App, type AppOptions } from '../../src/app.js';
import { openDatabase } from '../../src/db/database.js';
import { parseEnv } from '../../src/env.js';
import { createToken } from '../../src/modules/access/token.service.js';
import { registerGraphQLSecrets } from './graphql-secrets.js';
import { openLogSink, registerSecrets } from './secret-audit.js';
import { copyPgliteTemplate, postgresTemplate } from './template-database.js';

export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const backend = (process.env.TEST_DB ?? 'pglite') as 'postgres' | 'pglite';

/**
 * A fresh PostgreSQL database for one test file; `drop()` removes it. Empty (the service migrates
 * it, as in production), or with `migrated` a copy of the run's migrated template when there is one
 * (`migrated` then says whether it is).
 */
export async function createScratchDatabase(options: { migrated?: boolean } = {}) {
  const name = `stockline_test_${randomBytes(6).toString('hex')}`;
  const template = options.migrated ? postgresTemplate() : null;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`),
    migrated: template !== null,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A database several apps of one test file start on in turn, on the backend under test, with one credentials key. */
export interface SharedDatabase {
  /** DATABASE_URL (PostgreSQL) or DATA_DIR (PGlite), and CREDENTIALS_KEY, for startTestApp. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function createSharedDatabase(prefix: string): Promise<SharedDatabase> {
  const credentialsKey = randomBytes(32).toString('base64');
  registerSecrets([credentialsKey]);
  // Already migrated when the run has a template: the first app's migration then finds nothing to do.
  if (backend === 'postgres') {
    const scratch = await createScratchDatabase({ migrated: true });
    return { env: { DATABASE_URL: scratch.url, CREDENTIALS_KEY: credentialsKey }, drop: scratch.drop };
  }
  const dir = (await copyPgliteTemplate(prefix)) ?? (await mkdtemp(join(tmpdir(), `stockline-${prefix}-`)));
  return { env: { DATA_DIR: dir, CREDENTIALS_KEY: credentialsKey }, drop: () => rm(dir, { recursive: true, force: true }) };
}

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export interface TestApp {
  app: App;
  url: string;
  adminToken: string;
  /** Every SQL statement sent since the last `resetQueries()`. */
  queries: string[];
  resetQueries(): void;
  /** Captured log lines (JSON). */
  logs: string[];
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GqlResult<T>>;
  tokenFor(role: 'VIEWER' | 'OPERATOR' | 'ADMIN'): Promise<string>;
  close(): Promise<void>;
}

/** Starts the real service (HTTP + WebSocket) on a free port against a database of its own. */
export async function startTestApp(envOverrides: Record<string, string> = {}, appOptions: Partial<AppOptions> = {}): Promise<TestApp> {
  // A DATABASE_URL given by the test is its own (shared by several apps): no scratch database then.
  const scratch = backend === 'postgres' && !envOverrides.DATABASE_URL ? await createScratchDatabase({ migrated: true }) : null;
  const queries: string[] = [];
  const logs: string[] = [];
  const env = parseEnv({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'info',
    API_RATE_LIMIT_PER_MINUTE: '100000',
    API_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000',
    // Requests still queue fairly, but a loaded CI machine never sheds a test's burst (overload tests set their own).
    HTTP_QUEUE_TIMEOUT_MS: '60000',
    // Tests drive syncs themselves; scheduler tests turn it on.
    SCHEDULER_ENABLED: 'false',
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
    // A copy of the run's migrated template has nothing to migrate (template-database.ts).
    ...(scratch?.migrated ? { MIGRATE_ON_START: 'false' } : {}),
    ...envOverrides,
  });
  // Every line also goes to the run's log audit, which fails the run on any secret a test created (secret-audit.ts).
  registerSecrets([envOverrides.ADMIN_TOKEN, envOverrides.CREDENTIALS_KEY]);
  const sink = openLogSink('app');
  const logDestination = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      sink?.write(String(chunk));
      cb();
    },
  });
  const onQuery = (sql: string) => queries.push(sql);
  // The embedded in-memory database would run initdb and the migrations: a copy of the migrated
  // template on tmpfs opens in a fraction of that. The app is handed it already open (so it does
  // not migrate it), and the helper closes it after the app.
  const templateCopy = !env.DATABASE_URL && env.DATA_DIR === 'memory://' && !appOptions.database ? await copyPgliteTemplate('app') : null;
  const database = templateCopy ? await openDatabase({ dataDir: templateCopy, onQuery: appOptions.onQuery ?? onQuery }) : undefined;
  let app: App;
  try {
    app = await buildApp(env, { logDestination, onQuery, ...(database ? { database } : {}), ...appOptions });
    await app.start();
  } catch (error) {
    await database?.close();
    if (templateCopy) await rm(templateCopy, { recursive: true, force: true });
    throw error;
  }
  const adminToken = app.bootstrapToken!;
  registerSecrets([adminToken]);
  const gql = async (query: string, variables?: Record<string, unknown>, token: string | null = adminToken) => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as object;
    registerGraphQLSecrets(query, variables, body);
    return { status: res.status, ...body } as GqlResult;
  };
  return {
    app,
    url: app.url,
    adminToken,
    queries,
    resetQueries: () => void queries.splice(0),
    logs,
    gql,
    tokenFor: async (role) => {
      const { secret } = await createToken(app.services, { name: `test ${role}`, role });
      registerSecrets([secret]);
      return secret;
    },
    async close() {
      await app.stop();
      sink?.close();
      await scratch?.drop();
      await database?.close();
      if (templateCopy) await rm(templateCopy, { recursive: true, force: true });
    },
  };
}

/** Data of a successful response; fails loudly with the errors otherwise. */
export function dataOf<T = any>(result: GqlResult<T>): T {
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}
