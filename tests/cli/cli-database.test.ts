/**
 * The stockline commands that work on the database itself (`migrate`, `token create`) and
 * `serve`, as real child processes: on a fresh PostgreSQL database (project postgres) or a fresh
 * embedded one in a temporary DATA_DIR (project pglite). The embedded database is single-process,
 * so each step here has it to itself.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, createScratchDatabase, dataOf, startTestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { readMigrations } from '../../src/db/migrate.js';
import { runCli, spawnCli } from './run-cli.js';

let dataDir: string;
let dropScratch: (() => Promise<void>) | undefined;
/** What every command gets: the database, and a DATA_DIR of its own (credentials key, files). */
let dbEnv: Record<string, string>;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stockline-cli-'));
  dbEnv = { DATA_DIR: dataDir };
  if (backend === 'postgres') {
    const scratch = await createScratchDatabase();
    dbEnv.DATABASE_URL = scratch.url;
    dropScratch = scratch.drop;
  }
});

afterAll(async () => {
  await dropScratch?.();
  await rm(dataDir, { recursive: true, force: true });
});

describe('stockline migrate', () => {
  it('applies every migration to a fresh database, then has nothing to apply', async () => {
    const first = await runCli(['migrate'], dbEnv, 120_000);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(backend === 'postgres' ? /^Database: PostgreSQL 127\.0\.0\.1:5432\/stockline_test_\w+$/m : /^Database: embedded PGlite in \//m);
    const { migrationDirectories } = await readMigrations();
    if (backend === 'postgres') expect(first.stdout).toMatch(/^Applied \d+ migration\(s\):\n {2}\d{14}_init$/m);
    // A new embedded database is unpacked from a template that holds every migration (src/db/pglite-template.ts).
    else expect(first.stdout).toContain(`Up to date: nothing to apply (${migrationDirectories.length} migrations, the newest ${migrationDirectories.at(-1)!.path}).`);

    const again = await runCli(['migrate'], dbEnv, 120_000);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to apply/);
    expect(again.stdout).not.toMatch(/Applied/);
  });
});

describe('stockline token create', () => {
  it('prints a new secret once, which the service then accepts with the role asked for', async () => {
    const r = await runCli(['token', 'create', '--role', 'OPERATOR', '--name', 'ci robot', '--expires-in-days', '30'], dbEnv, 120_000);
    expect(r.code).toBe(0);
    const secret = r.stdout.trim();
    expect(secret).toMatch(/^stk_[\w-]{40,}$/); // the secret alone on stdout, for $(…)
    expect(r.stderr).toMatch(/^Created OPERATOR token "ci robot" \(id [0-9a-f-]{36}, expires \d{4}-/m);
    expect(r.stderr).not.toContain(secret);

    const t = await startTestApp({ ...dbEnv, MIGRATE_ON_START: 'false' });
    try {
      expect(dataOf(await t.gql('{ viewer { name role } }', {}, secret)).viewer).toEqual({ name: 'ci robot', role: 'OPERATOR' });
      const stored = await t.app.services.prisma.apiToken.findFirstOrThrow({ where: { name: 'ci robot' } });
      expect(stored.tokenHash).not.toContain(secret);
      expect(stored.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    } finally {
      await t.close();
    }
  });

  it('refuses a role that does not exist with exit 2 and a message, creating nothing', async () => {
    const r = await runCli(['token', 'create', '--role', 'BOSS'], dbEnv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--role <role>' argument 'BOSS' is invalid\. must be one of VIEWER, OPERATOR, ADMIN/);
  });
});

describe('stockline serve', () => {
  it('starts the service with the role given, answers /healthz and serves the dashboard, and stops on SIGTERM with exit 0', async () => {
    const child = spawnCli(['serve', '--role', 'api'], { ...dbEnv, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    const exited = new Promise<number | null>((resolve) => child.proc.once('exit', (code) => resolve(code)));
    try {
      const listening = await waitFor(() => child.output().match(/^\{.*"msg":"Stockline is listening".*\}$/m), { timeoutMs: 90_000, intervalMs: 100, what: 'the service to listen' });
      const log = JSON.parse(listening[0]);
      expect(log).toMatchObject({ role: 'api', database: backend });
      const base = String(log.url).replace(/\/graphql$/, '');
      const res = await fetch(`${base}/healthz`);
      expect(res.status).toBe(200);
      // Like npm start, serve builds the dashboard first.
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Stockline');

      child.proc.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(child.output()).toMatch(/"signal":"SIGTERM","msg":"shutting down"/);
    } finally {
      child.proc.kill('SIGKILL');
    }
  });
});
