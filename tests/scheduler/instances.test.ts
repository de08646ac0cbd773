/**
 * Several instances on one database. In process (both backends): schedulers starting together
 * queue one first sync per account. As real processes (PostgreSQL only: PGlite belongs to one
 * process): two services with the same one-second schedule fire each slot exactly once.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { createCredentialsCipher } from '../../src/modules/accounts/credentials.crypto.js';
import { syncScheduleKey } from '../../src/scheduler/default-schedules.js';
import { startScheduler, type Scheduler } from '../../src/scheduler/scheduler.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import { backend, createScratchDatabase, dataOf, startTestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { killAllChildren, startChildService } from '../helpers/child-service.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  await killAllChildren();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('scheduler instances', () => {
  it('instances starting together queue one first sync per enabled account, and never a second one', async () => {
    // ROLE=api: no sync runner, so the queued runs stay as they were queued.
    const t = await startTestApp({ ROLE: 'api' });
    cleanups.push(() => t.close());
    const prisma = t.app.services.prisma;
    const account = (name: string, enabled = true) =>
      prisma.marketplaceAccount.create({ data: { channel: 'STOREFRONT', name, baseUrl: 'http://127.0.0.1:9', credentialsEncrypted: 'x', enabled } });
    const [one, two] = await Promise.all([account('First A'), account('First B'), account('First off', false)]);
    // On PGlite the app tells its scheduler it owns the database (no lock needed); same here.
    const start = () => startScheduler(t.app.services, { timers: false, exclusiveDatabase: backend === 'pglite' });
    const schedulers: Scheduler[] = await Promise.all([start(), start(), start()]);
    for (const s of schedulers) cleanups.push(() => s.stop());

    const runs = await prisma.syncRun.findMany({ orderBy: { accountId: 'asc' } });
    expect(runs.map((r) => [r.accountId, r.mode, r.scope, r.triggeredBy, r.status]).sort()).toEqual(
      [
        [one!.id, 'INCREMENTAL', 'ALL', 'scheduler', 'PENDING'],
        [two!.id, 'INCREMENTAL', 'ALL', 'scheduler', 'PENDING'],
      ].sort(),
    );
    // Even once those runs are over, a later start does not sync "for the first time" again.
    await prisma.syncRun.updateMany({ data: { status: 'SUCCESS', activeKey: null, finishedAt: new Date() } });
    const later = await start();
    cleanups.push(() => later.stop());
    expect(await prisma.syncRun.count()).toBe(2);
    expect(await prisma.schedule.count({ where: { kind: 'SYNC' } })).toBe(2);
  });

  it('a schedule edited through another instance (no kick reaches this scheduler) fires once it is re-read', { timeout: 60_000 }, async () => {
    // The api app takes the edit; the scheduler below belongs to no app, so only its re-read can see it.
    const t = await startTestApp({ ROLE: 'api' });
    cleanups.push(() => t.close());
    const scheduler = await startScheduler(t.app.services, { reloadMs: 300, firstSync: false, exclusiveDatabase: backend === 'pglite' });
    cleanups.push(() => scheduler.stop());
    const prisma = t.app.services.prisma;
    const row = await prisma.schedule.findUniqueOrThrow({ where: { key: 'task-retention' } });
    expect(row.lastFiredAt).toBeNull();

    const edited = dataOf(
      await t.gql(`mutation($input: UpdateScheduleInput!) { updateSchedule(input: $input) { schedule { nextFireAt } errors { code message } } }`, {
        input: { id: row.id, intervalSeconds: 10, enabled: true },
      }),
    ).updateSchedule;
    expect(edited.errors).toEqual([]);
    const due = new Date(edited.schedule.nextFireAt);
    const fired = await waitFor(async () => (await prisma.schedule.findUniqueOrThrow({ where: { id: row.id } })).lastFiredAt, { timeoutMs: 20_000, what: 'the edited schedule to fire' });
    expect(fired.toISOString()).toBe(due.toISOString());
  });

  if (backend === 'postgres')
    it('two service processes with the same 1-second schedule: every slot fires once, by one of them', { timeout: 120_000 }, async () => {
      const scratch = await createScratchDatabase();
      cleanups.push(() => scratch.drop());
      const dataDir = mkdtempSync(join(tmpdir(), 'stockline-instances-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const sim = await startFastSimulator('STOREFRONT', { offers: 10, seed: 8 });
      cleanups.push(() => sim.stop());
      const credentialsKey = randomBytes(32).toString('hex');

      // Migrate once here so the two processes start together; seed an account and the schedule.
      const db = await openDatabase({ url: scratch.url, dataDir: 'memory://' });
      cleanups.push(() => db.close());
      await db.migrate();
      const account = await db.prisma.marketplaceAccount.create({
        data: {
          channel: 'STOREFRONT',
          name: 'Shared storefront',
          baseUrl: sim.url,
          credentialsEncrypted: createCredentialsCipher(Buffer.from(credentialsKey, 'hex')).encrypt(sim.credentials),
          rateLimits: sim.rateLimits as never,
        },
      });
      // Its default 5-minute schedule is switched off (kept by key), so its only run is the first sync.
      await db.prisma.schedule.create({ data: { key: syncScheduleKey(account.id, 'incremental'), kind: 'SYNC', accountId: account.id, scope: 'ALL', mode: 'INCREMENTAL', intervalSeconds: 300, enabled: false } });
      const key = 'test:every-second';
      const firstSlot = new Date(Math.ceil((Date.now() + 1000) / 1000) * 1000);
      const schedule = await db.prisma.schedule.create({ data: { key, kind: 'TASK_RETENTION', intervalSeconds: 1, nextFireAt: firstSlot } });

      const env = {
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        SANDBOX: 'false',
        LOG_LEVEL: 'info',
        DATABASE_URL: scratch.url,
        DATA_DIR: dataDir,
        MIGRATE_ON_START: 'false',
        CREDENTIALS_KEY: credentialsKey,
        ADMIN_TOKEN: `instances-admin-${randomBytes(16).toString('hex')}`,
        SCHEDULER_ENABLED: 'true',
      };
      // One after the other: two processes bootstrapping the same ADMIN_TOKEN at the same instant race on its row.
      const a = await startChildService({ env });
      const b = await startChildService({ env });
      await Promise.all([a.waitForOutput(/"msg":"scheduler started"/), b.waitForOutput(/"msg":"scheduler started"/)]);
      // Both run their schedulers until eight slots have fired (however slowly a loaded machine ticks).
      const fired = () => db.prisma.syncLog.count({ where: { message: { startsWith: `schedule ${key} fired for ` } } });
      await waitFor(async () => (await fired()) >= 8, { timeoutMs: 60_000, intervalMs: 200, what: 'eight firings of the 1-second schedule' });
      expect((await a.kill('SIGTERM')).code).toBe(0);
      expect((await b.kill('SIGTERM')).code).toBe(0);

      const logs = await db.prisma.syncLog.findMany({ where: { message: { startsWith: `schedule ${key} fired for ` } }, orderBy: { createdAt: 'asc' } });
      const firings = logs.map((l) => ({ fireAt: (l.context as any).fireAt as string, instanceId: (l.context as any).instanceId as string }));
      const slots = [...new Set(firings.map((f) => f.fireAt))].sort();
      // Exactly one firing per slot: no slot was run by both processes.
      expect(slots).toHaveLength(firings.length);
      // Slots lie on the schedule's 1-second grid, starting at the first one.
      expect(slots[0]).toBe(firstSlot.toISOString());
      for (const slot of slots) expect((Date.parse(slot) - firstSlot.getTime()) % 1000).toBe(0);
      const row = await db.prisma.schedule.findUniqueOrThrow({ where: { id: schedule.id } });
      expect(row.lastFiredAt!.toISOString()).toBe(slots.at(-1));
      const instances = new Set(firings.map((f) => f.instanceId));
      console.info(`${firings.length} firings from the first process start to the stop, by ${instances.size} instance(s): ${[...instances].map((i) => `${i} ×${firings.filter((f) => f.instanceId === i).length}`).join(', ')}`);
      expect(instances.size).toBeGreaterThanOrEqual(1);

      // Both processes started a scheduler; the first sync of the account was queued once.
      const runs = await db.prisma.syncRun.findMany({ where: { accountId: account.id } });
      expect(runs.map((r) => [r.triggeredBy, r.mode, r.scope])).toEqual([['scheduler', 'INCREMENTAL', 'ALL']]);
    });
});
