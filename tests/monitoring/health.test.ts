import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { backend, createScratchDatabase, dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, waitFor } from '../helpers/catalog.js';
import { seedAccount } from '../helpers/catalog-seed.js';
import { syncNow } from '../helpers/sync.js';
import { minutesAgo, seedRun } from './seed-runs.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import type { Database } from '../../src/db/database.js';
import { handleHealth } from '../../src/modules/monitoring/health.route.js';
import { syncHealth } from '../../src/modules/monitoring/health.service.js';

const HEALTH = `{ syncHealth { status databaseReachable runsInProgress staleAfterMinutes checkedAt
  accounts { account { id name enabled } lastSuccessAt lastRunStatus lastRunAt lagSeconds stale activeRun { id status } activeAlerts } } }`;

let t: TestApp;
let sim: Simulator;
let fresh: string;
let late: string;

const health = async (token?: string) => dataOf(await t.gql(HEALTH, {}, token)).syncHealth;
const entry = (h: any, id: string) => h.accounts.find((a: any) => a.account.id === id);
const readyz = async (query = '') => {
  const res = await fetch(`${t.url}/readyz${query}`);
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  // Runs count as stuck (health, cancel) after 5 s; this app's own worker reaps only after 30 s.
  t = await startTestApp({}, { monitoring: { runStaleAfterMs: 5000 } });
  sim = await startFastSimulator('STOREFRONT', { offers: 30, seed: 5 });
  fresh = await createSimAccount(t, sim, 'fresh shop');
  late = await createSimAccount(t, sim, 'late shop');
});
afterAll(async () => {
  await t?.close();
  await sim?.stop();
});

describe('syncHealth and /readyz', () => {
  it('is OK for accounts just added (never synced, but not for longer than the threshold), and /readyz answers 200', async () => {
    const h = await health(await t.tokenFor('VIEWER'));
    expect(h).toMatchObject({ status: 'OK', databaseReachable: true, runsInProgress: 0, staleAfterMinutes: 120 });
    expect(entry(h, fresh)).toMatchObject({ lastSuccessAt: null, lastRunStatus: null, lagSeconds: null, stale: false, activeRun: null, activeAlerts: [] });
    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'OK', database: 'up', runsInProgress: 0, checkedAt: expect.any(String), staleAccounts: [], alertingAccounts: [], stuckRuns: [] },
    });
  });

  it('a stale account flips syncHealth to DEGRADED and /readyz keeps 200 listing it (503 with ?strict=1); a sync brings both back', async () => {
    await syncNow(t, fresh);
    const lastSuccess = minutesAgo(180);
    await seedRun(t, late, { status: 'SUCCESS', createdAt: minutesAgo(181), finishedAt: lastSuccess });
    await seedRun(t, late, { status: 'FAILED', createdAt: minutesAgo(30), finishedAt: minutesAgo(29), error: 'remote said no' });

    const h = await health();
    expect(h.status).toBe('DEGRADED');
    const stale = entry(h, late);
    expect(stale).toMatchObject({ stale: true, lastSuccessAt: lastSuccess.toISOString(), lastRunStatus: 'FAILED', lastRunAt: expect.any(String) });
    expect(stale.lagSeconds).toBeGreaterThanOrEqual(180 * 60);
    expect(stale.lagSeconds).toBeLessThan(180 * 60 + 60);
    expect(entry(h, fresh)).toMatchObject({ stale: false, lastRunStatus: 'SUCCESS' });
    expect(entry(h, fresh).lagSeconds).toBeLessThan(60);

    const ready = await readyz();
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'DEGRADED', database: 'up', alertingAccounts: [] });
    expect(ready.body.staleAccounts).toEqual([{ id: late, channel: 'STOREFRONT', lastSuccessAt: lastSuccess.toISOString(), lagSeconds: expect.any(Number) }]);
    // Measured a moment after syncHealth above (seconds apart on a loaded machine).
    expect(ready.body.staleAccounts[0].lagSeconds - stale.lagSeconds).toBeGreaterThanOrEqual(0);
    expect(ready.body.staleAccounts[0].lagSeconds - stale.lagSeconds).toBeLessThan(30);
    expect((await readyz('?strict=1')).status).toBe(503);

    const run = await syncNow(t, late);
    expect(run.status).toBe('SUCCESS');
    const after = await health();
    expect(after.status).toBe('OK');
    expect(entry(after, late)).toMatchObject({ stale: false, lastRunStatus: 'SUCCESS' });
    expect(await readyz()).toMatchObject({ status: 200, body: { status: 'OK', staleAccounts: [] } });
    expect((await readyz('?strict=1')).status).toBe(200);
  });

  it('disabled accounts are listed but never stale and never count', async () => {
    const off = await t.app.services.prisma.marketplaceAccount.update({
      where: { id: (await seedAccount(t, 'old and off', 'OZON')).id },
      data: { enabled: false, createdAt: minutesAgo(10_000) },
    });
    await seedRun(t, off.id, { status: 'SUCCESS', createdAt: minutesAgo(9_000) });
    const h = await health();
    expect(h.status).toBe('OK');
    expect(entry(h, off.id)).toMatchObject({ account: { enabled: false }, stale: false, lastRunStatus: 'SUCCESS' });
    expect(entry(h, off.id).lagSeconds).toBeGreaterThan(8_000 * 60);
  });

  it('an enabled account that never synced in longer than the threshold is stale', async () => {
    const never = await t.app.services.prisma.marketplaceAccount.update({ where: { id: (await seedAccount(t, 'never synced', 'WILDBERRIES')).id }, data: { createdAt: minutesAgo(121) } });
    const h = await health();
    expect(h.status).toBe('DEGRADED');
    expect(entry(h, never.id)).toMatchObject({ stale: true, lagSeconds: null, lastSuccessAt: null });
    await t.app.services.prisma.marketplaceAccount.delete({ where: { id: never.id } });
    expect((await health()).status).toBe('OK');
  });

  it('counts runs in progress and shows each account its active run', async () => {
    const running = await seedRun(t, fresh, { status: 'RUNNING' });
    const h = await health();
    expect(h.runsInProgress).toBe(1);
    expect(entry(h, fresh).activeRun).toEqual({ id: running.id, status: 'RUNNING' });
    expect(entry(h, late).activeRun).toBeNull();
    await t.app.services.prisma.syncRun.update({ where: { id: running.id }, data: { status: 'CANCELLED', activeKey: null, finishedAt: new Date() } });
    expect((await health()).runsInProgress).toBe(0);
  });

  it('a RUNNING run whose heartbeat is older than the stale interval is stuck: DEGRADED and listed by /readyz; cancelSyncRun ends it at once', async () => {
    const run = await seedRun(t, fresh, { status: 'RUNNING', pagesDone: 3 });
    // Its worker stopped answering 10 s ago (stuck after 5 s); no worker has reaped it yet.
    const heartbeatAt = new Date(Date.now() - 10_000);
    await t.app.services.prisma.syncRun.update({ where: { id: run.id }, data: { heartbeatAt, ownerId: 'a-dead-instance' } });
    const ready = await readyz();
    expect(ready).toMatchObject({ status: 200, body: { status: 'DEGRADED', runsInProgress: 1 } });
    expect(ready.body.stuckRuns).toEqual([{ id: run.id, accountId: fresh, heartbeatAt: heartbeatAt.toISOString(), pagesDone: 3 }]);
    expect((await readyz('?strict=1')).status).toBe(503);
    expect((await health()).status).toBe('DEGRADED');

    const cancelled = dataOf(await t.gql(`mutation($id: ID!) { cancelSyncRun(input: { id: $id }) { run { id status error } errors { code } } }`, { id: run.id })).cancelSyncRun;
    expect(cancelled).toEqual({ run: { id: run.id, status: 'CANCELLED', error: expect.stringMatching(/^cancelled by /) }, errors: [] });
    expect(await readyz()).toMatchObject({ status: 200, body: { status: 'OK', runsInProgress: 0, stuckRuns: [] } });
  });

  it('answers in the same number of SQL statements for 3 accounts as for 13', async () => {
    const count = async () => {
      t.resetQueries();
      await health();
      // Reads only: the sync worker's polls (UPDATE / WITH … SKIP LOCKED) run on their own clock.
      return t.queries.filter((sql) => /^\s*SELECT/i.test(sql) && /"(SyncRun|MarketplaceAccount|Alert)"/.test(sql)).length;
    };
    const before = await count();
    for (let i = 0; i < 10; i++) {
      const id = (await seedAccount(t, `many ${i}`, 'EMAG')).id;
      await seedRun(t, id, { status: 'SUCCESS' });
      await seedRun(t, id, { status: 'FAILED', error: 'x' });
    }
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThanOrEqual(5);
    expect(await count()).toBe(before);
  });

  it('is DOWN when the database does not answer, and /readyz answers 503 then', async () => {
    const h = await syncHealth(t.app.services, { ping: async () => false });
    expect(h).toMatchObject({ status: 'DOWN', databaseReachable: false, runsInProgress: null, accounts: [] });

    const db = { ping: async () => false } as unknown as Database;
    const server: Server = createServer((req, res) => void handleHealth(req, res, db, t.app.services));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const res = await fetch(`${base}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'DOWN', database: 'down', runsInProgress: null, staleAccounts: [] });
      // Liveness does not depend on the database.
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  if (backend === 'postgres') {
    it('a real outage: /readyz answers 503 DOWN while PostgreSQL refuses connections, and 200 again once it is back', async () => {
      const scratch = await createScratchDatabase();
      const own = await startTestApp({ DATABASE_URL: scratch.url });
      const name = new URL(scratch.url).pathname.slice(1);
      const admin = new pg.Client({ connectionString: scratch.url.replace(/\/[^/]*$/, '/postgres') });
      await admin.connect();
      try {
        expect((await fetch(`${own.url}/readyz`)).status).toBe(200);
        // The database goes away under the running service: its connections are cut and new ones refused.
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
        const down = await fetch(`${own.url}/readyz`);
        expect(down.status).toBe(503);
        expect(await down.json()).toMatchObject({ status: 'DOWN', database: 'down' });
        expect((await fetch(`${own.url}/healthz`)).status).toBe(200);

        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
        const back = await waitFor(async () => {
          const res = await fetch(`${own.url}/readyz`);
          return res.status === 200 ? res.json() : null;
        }, { timeoutMs: 20_000, what: '/readyz to recover' });
        expect(back).toMatchObject({ database: 'up' });
      } finally {
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => {});
        await admin.end();
        await own.close();
        await scratch.drop();
      }
    });
  }

  it('needs a token; a VIEWER may read it', async () => {
    const r = await t.gql('{ syncHealth { status } }', {}, null);
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(r.data?.syncHealth ?? null).toBeNull();
  });
});
