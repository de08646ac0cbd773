/**
 * Infrastructure faults are survived without a restart (issue 12, findings 2 and 3).
 *
 * Database (PostgreSQL only: ALLOW_CONNECTIONS is PostgreSQL's): a FULL sync of every account is
 * running when the service's database refuses connections for 20 s (the outage, longer
 * than the stale interval);
 * once it is back every run reaches SUCCESS within one stale interval, with no manual step, and
 * /readyz said DOWN during the outage and OK after.
 *
 * Redis: the real service as a child process, started with REDIS_URL at a port where nothing
 * listens yet: it keeps serving, a FULL sync of every sandbox account reaches SUCCESS, and /readyz
 * reports Redis down past the moment the old code died (ioredis gave up queued commands after 20
 * retries, ~10 s, and nothing caught them); then a
 * redis-server starts on that port and a subscription event goes through it; Redis is then
 * stopped and started again under the running service, and the same subscription hears again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Redis } from 'ioredis';
import type { Client } from 'graphql-ws';
import { backend, createScratchDatabase, createSharedDatabase, startTestApp } from '../helpers/app.js';
import { openWsClient } from '../helpers/ws-client.js';
import { createSimAccount, waitFor } from '../helpers/catalog.js';
import { trigger } from '../helpers/sync.js';
import { killAllChildren, serviceEnv, startChildService } from '../helpers/child-service.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { closedPort } from '../helpers/ports.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  await killAllChildren();
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

const readyz = async (url: string) => {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as any };
};

describe('chaos: infrastructure faults', () => {
  if (backend === 'postgres') {
    it('the database refuses connections for longer than the stale interval during a sync of every account: every run resumes to SUCCESS within one stale interval, /readyz DOWN during and OK after', async () => {
      const STALE_MS = 8000;
      // The outage: 20 s, more than twice the stale interval.
      const OUTAGE_MS = 20_000;
      const scratch = await createScratchDatabase();
      cleanups.push(() => scratch.drop());
      const name = new URL(scratch.url).pathname.slice(1);
      const t = await startTestApp({
        DATABASE_URL: scratch.url,
        SYNC_HEARTBEAT_MS: '200',
        SYNC_STALE_AFTER_MS: String(STALE_MS),
        SYNC_POLL_MS: '200',
        SYNC_CONCURRENCY: '8',
      });
      cleanups.push(() => t.close());
      // The sandbox's five accounts: eMAG main and FBE, Ozon, Wildberries, the storefront. Slow
      // enough answers that every run is mid-way when the database goes.
      const faults = { latencyMs: 60 };
      const sims: Simulator[] = await Promise.all([
        startFastSimulator('EMAG', { offers: 200, seed: 1, faults }),
        startFastSimulator('EMAG', { offers: 200, seed: 2, fulfillment: 'FBE', faults }),
        startFastSimulator('OZON', { offers: 200, seed: 3, faults }),
        startFastSimulator('WILDBERRIES', { offers: 200, seed: 4, faults }),
        startFastSimulator('STOREFRONT', { offers: 200, seed: 5, faults }),
      ]);
      cleanups.push(() => Promise.all(sims.map((s) => s.stop())));
      for (const sim of sims) await createSimAccount(t, sim);

      const admin = new pg.Client({ connectionString: scratch.url.replace(/\/[^/]*$/, '/postgres') });
      await admin.connect();
      cleanups.push(async () => {
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => {});
        await admin.end();
      });

      const { runs, errors } = await trigger(t, { scope: 'ALL', mode: 'FULL' });
      expect(errors).toEqual([]);
      expect(runs).toHaveLength(5);
      const ids = runs.map((r) => r.id as string);
      const prisma = t.app.services.prisma;
      // Every run has committed a page and has more to do.
      await waitFor(
        async () => {
          const rows = await prisma.syncRun.findMany({ where: { id: { in: ids } } });
          return rows.every((r) => r.status === 'RUNNING' && r.pagesDone >= 1) ? rows : null;
        },
        { timeoutMs: 20_000, what: 'every run to be mid-way' },
      );

      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
      const outageEnds = Date.now() + OUTAGE_MS;
      // Probed all along the outage: DOWN (or, should the database answer, the stuck runs listed).
      while (Date.now() < outageEnds) {
        const during = await readyz(t.url);
        expect(during.body.status === 'DOWN' || during.body.stuckRuns?.length > 0, JSON.stringify(during.body)).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      const back = Date.now();

      const db = new pg.Client({ connectionString: scratch.url });
      await db.connect();
      cleanups.push(() => db.end());
      const finished = await waitFor(
        async () => {
          const { rows } = await db.query(`SELECT id, status, "resumedCount", error FROM "SyncRun" WHERE id = ANY($1::uuid[])`, [ids]);
          return rows.every((r) => r.status === 'SUCCESS') ? rows : null;
        },
        { timeoutMs: STALE_MS, intervalMs: 50, what: `every run to reach SUCCESS within one stale interval (${STALE_MS} ms) of the database's return` },
      ).catch(async (error) => {
        const { rows } = await db.query(`SELECT status, "ownerId", "heartbeatAt", "pagesDone", "resumedCount" FROM "SyncRun" WHERE id = ANY($1::uuid[])`, [ids]);
        throw new Error(`${(error as Error).message}: ${JSON.stringify(rows)}`);
      });
      const recovery = Date.now() - back;
      // They were released and resumed, not restarted: each was interrupted at least once.
      for (const run of finished) expect(run.resumedCount, JSON.stringify(run)).toBeGreaterThanOrEqual(1);
      const after = await waitFor(async () => {
        const r = await readyz(t.url);
        return r.body.status === 'OK' ? r : null;
      });
      expect(after).toMatchObject({ status: 200, body: { status: 'OK', database: 'up', runsInProgress: 0, stuckRuns: [] } });
      console.info(`chaos/database: ${ids.length} runs back to SUCCESS ${recovery} ms after a ${OUTAGE_MS} ms outage (stale interval ${STALE_MS} ms)`);
    });
  }

  // The child process owns its database either way; this scenario is run once, on the PGlite project.
  if (backend === 'pglite') {
    it('Redis unreachable at start: the service keeps serving, a sync of every account reaches SUCCESS and /readyz reports Redis down; once Redis is up a subscription event goes through it, and the same subscription hears again after Redis restarts', async () => {
      const port = await closedPort();
      const REDIS_URL = `redis://127.0.0.1:${port}`;
      const token = `chaos-admin-${randomBytes(16).toString('hex')}`;
      const shared = await createSharedDatabase('chaos-redis');
      cleanups.push(() => shared.drop());
      // The sandbox's five accounts (its simulators live in the child).
      // Set, so this test can publish on the service's channels (`<prefix>:<topic>`).
      const REDIS_PREFIX = `chaos-${randomUUID()}`;
      const child = await startChildService({ env: serviceEnv({ ...shared.env, ADMIN_TOKEN: token, REDIS_URL, REDIS_PREFIX, SANDBOX: 'true' }), token });
      const started = Date.now();

      // Syncs do not need Redis: a FULL sync of every account, triggered with Redis unreachable.
      const triggered = await child.gql('mutation { triggerSync(input: { scope: ALL, mode: FULL }) { runs { id } errors { code message } } }');
      expect(triggered.errors, JSON.stringify(triggered)).toBeUndefined();
      expect(triggered.data.triggerSync.errors).toEqual([]);
      const ids = new Set<string>(triggered.data.triggerSync.runs.map((r: { id: string }) => r.id));
      expect(ids.size).toBe(5);
      const runStatuses = async () => {
        const r = await child.gql('{ syncRuns(first: 20) { edges { node { id status error } } } }');
        expect(r.errors, JSON.stringify(r)).toBeUndefined();
        return (r.data.syncRuns.edges as { node: { id: string; status: string; error: string | null } }[]).map((e) => e.node).filter((n) => ids.has(n.id));
      };

      // Past the moment the old code died (ioredis's 20 retries per queued command, ~10 s after
      // start) and until every run is done.
      const probes: any[] = [];
      let runs = await runStatuses();
      while (Date.now() - started < 12_000 || runs.some((r) => r.status === 'PENDING' || r.status === 'RUNNING' || r.status === 'INTERRUPTED')) {
        expect(Date.now() - started, `runs still going: ${JSON.stringify(runs)}`).toBeLessThan(90_000);
        const r = await readyz(child.url);
        expect(r, JSON.stringify(r)).toMatchObject({ status: 200, body: { status: 'DEGRADED', redis: 'down', database: 'up' } });
        // What does not need Redis is served.
        expect((await child.gql('{ accounts(first: 1) { totalCount } }')).errors).toBeUndefined();
        probes.push(r.body);
        await new Promise((resolve) => setTimeout(resolve, 500));
        runs = await runStatuses();
      }
      expect(runs.map((r) => r.status), JSON.stringify(runs)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
      console.info(`chaos/redis: ${runs.length} sandbox runs SUCCESS ${Date.now() - started} ms after a start with Redis unreachable`);
      // The outage is logged once, not once per reconnection attempt.
      expect(child.output().match(/Unhandled error event/g) ?? []).toEqual([]);
      expect(child.logs().filter((l) => /redis/i.test(String(l.msg)) && l.level >= 40)).toHaveLength(1);

      const server = await startRedis(port);
      cleanups.push(() => stopProcess(server));
      await waitFor(async () => ((await readyz(child.url)).body.redis === 'up' ? true : null), { timeoutMs: 15_000, what: 'Redis to be reported up' });
      expect(await readyz(child.url)).toMatchObject({ status: 200, body: { status: 'OK', redis: 'up' } });

      // A subscriber on the service hears events published into Redis by someone else.
      const client: Client = openWsClient(child.url, token, { lazy: true });
      cleanups.push(async () => client.dispose());
      const heard: any[] = [];
      let failure: unknown = null;
      client.subscribe(
        { query: 'subscription { domainEvents(types: ["listing.price_changed"]) { id type actor } }' },
        { next: (msg) => (msg.errors ? (failure = msg.errors) : heard.push((msg.data as any).domainEvents)), error: (error) => (failure = error), complete: () => {} },
      );
      const publisher = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      publisher.on('error', () => {});
      cleanups.push(async () => publisher.disconnect());
      // Published until the subscription hears it (live once the service has subscribed in Redis).
      const hear = async (what: string) => {
        const event = { id: randomUUID(), type: 'listing.price_changed', occurredAt: new Date().toISOString(), actor: 'chaos', payload: {} };
        await waitFor(
          async () => {
            if (failure) throw new Error(`subscription failed: ${JSON.stringify(failure)}`);
            if (heard.some((e) => e.id === event.id)) return true;
            await publisher.publish(`${REDIS_PREFIX}:domain-event`, JSON.stringify(event));
            return null;
          },
          { timeoutMs: 15_000, intervalMs: 200, what },
        );
        return event;
      };
      const first = await hear('the subscription to hear an event published in Redis');
      expect(heard).toContainEqual({ id: first.id, type: 'listing.price_changed', actor: 'chaos' });

      // Redis goes away under the running service, then comes back: the same subscription hears again.
      await stopProcess(server);
      await waitFor(async () => ((await readyz(child.url)).body.redis === 'down' ? true : null), { timeoutMs: 10_000, what: 'Redis to be reported down' });
      expect((await child.gql('{ accounts(first: 1) { totalCount } }')).errors).toBeUndefined();
      const again = await startRedis(port);
      cleanups.push(() => stopProcess(again));
      await waitFor(async () => ((await readyz(child.url)).body.redis === 'up' ? true : null), { timeoutMs: 15_000, what: 'Redis to be reported up again' });
      await hear('the same subscription to hear an event once Redis is back');
      // One warning per outage.
      expect(child.logs().filter((l) => /redis/i.test(String(l.msg)) && l.level >= 40)).toHaveLength(2);
      expect(child.proc.exitCode).toBeNull();
      expect(probes.length).toBeGreaterThan(5);
    }, 180_000);
  }
});

async function startRedis(port: number): Promise<ChildProcess> {
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/Ready to accept connections/.test(out)) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
  });
  return proc;
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
  });
}
