/**
 * Retention removes exactly what is older than the window: sync logs, finished marketplace
 * pushes, and the leftover bookkeeping of finished sync runs. Rows are seeded with past
 * timestamps; the scheduler's clock is fixed, and deletes run in small batches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushStatus } from '../../src/generated/prisma/client.js';
import { retainLogs } from '../../src/modules/sync/sync.retention.js';
import { retainTasks } from '../../src/modules/tasks/task-retention.js';
import { startScheduler } from '../../src/scheduler/scheduler.js';
import { cronNext } from '../../src/scheduler/schedule-timing.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const DAY = 86_400_000;
let t: TestApp;
let accountId: string;
let listingId: string;
const prisma = () => t.app.services.prisma;
// Real time: rows written meanwhile by the service itself are young, not swept up by the test's window.
const NOW = new Date();
const ago = (days: number, extraMs = 0) => new Date(NOW.getTime() - days * DAY + extraMs);

beforeAll(async () => {
  // ROLE=api: no sync runner to pick up (and finish) the seeded active run.
  t = await startTestApp({ ROLE: 'api' });
  const account = await prisma().marketplaceAccount.create({ data: { channel: 'STOREFRONT', name: 'Retained', baseUrl: 'http://127.0.0.1:9', credentialsEncrypted: 'x' } });
  accountId = account.id;
  const product = await prisma().product.create({ data: { sku: 'RET-1', name: 'Retained product' } });
  const listing = await prisma().listing.create({
    data: { productId: product.id, accountId, externalId: 'r1', sku: 'RET-1', name: 'Retained', price: '1.00', remotePrice: '1.00', currency: 'RON', stock: 1, remoteStock: 1, status: 'ACTIVE', remoteStatus: 'active' },
  });
  listingId = listing.id;
});

afterAll(async () => {
  await t?.close();
});

async function seedLogs() {
  await prisma().syncLog.deleteMany({});
  const run = await prisma().syncRun.create({ data: { accountId, scope: 'ALL', mode: 'FULL', conflictStrategy: 'REMOTE_PRIORITY', status: 'SUCCESS', triggeredBy: 'test', createdAt: ago(40) } });
  const rows = [
    // 7 older than 30 days (one by a millisecond), with and without run or account
    ...[31, 45, 90, 365, 31, 30.5].map((d) => ({ createdAt: ago(d), accountId, runId: run.id })),
    { createdAt: ago(30, -1), accountId: null, runId: null },
    // 4 inside the window (one exactly at the cutoff: not older, kept)
    ...[29, 1, 0].map((d) => ({ createdAt: ago(d), accountId, runId: null })),
    { createdAt: ago(30), accountId: null, runId: null },
  ];
  await prisma().syncLog.createMany({ data: rows.map((r, i) => ({ ...r, level: 'INFO' as const, message: `seeded ${i}` })) });
  return { old: 7, young: 4 };
}

async function seedPushes() {
  await prisma().pushJob.deleteMany({});
  const job = (status: PushStatus, createdDays: number, finishedDays: number | null) => ({
    listingId,
    accountId,
    kind: 'PRICE' as const,
    value: '2.00',
    status,
    createdAt: ago(createdDays),
    finishedAt: finishedDays === null ? null : ago(finishedDays),
  });
  await prisma().pushJob.createMany({
    data: [
      job('DONE', 40, 40),
      job('SUPERSEDED', 50, 45),
      job('FAILED', 35, 31),
      job('FAILED', 60, null), // finished long ago without a finish time: its creation counts
      job('PENDING', 90, null), // still to send: never deleted
      job('DONE', 40, 10), // created long ago, finished recently: kept
      job('DONE', 2, 1),
    ],
  });
  return { old: 4 };
}

describe('retention', () => {
  it('LOG_RETENTION deletes sync logs and finished pushes older than the window, in batches, and reports it', async () => {
    const logs = await seedLogs();
    const pushes = await seedPushes();
    const result = await retainLogs(t.app.services, NOW, 30, 2);
    expect(result).toEqual({ cutoff: ago(30), syncLogs: logs.old, pushJobs: pushes.old });
    const left = await prisma().syncLog.findMany({ orderBy: { createdAt: 'asc' } });
    expect(left.filter((l) => l.message.startsWith('seeded')).map((l) => l.createdAt)).toEqual([ago(30), ago(29), ago(1), ago(0)]);
    const report = left.filter((l) => l.message.startsWith('log retention:'));
    expect(report).toHaveLength(1);
    expect(report[0]).toMatchObject({
      level: 'INFO',
      runId: null,
      accountId: null,
      message: 'log retention: removed 7 sync log row(s) and 4 finished push job(s) older than 30 day(s)',
      context: { cutoff: ago(30).toISOString(), syncLogs: 7, pushJobs: 4 },
    });
    const jobs = await prisma().pushJob.findMany({ orderBy: { createdAt: 'asc' } });
    expect(jobs.map((j) => [j.status, j.createdAt])).toEqual([
      ['PENDING', ago(90)],
      ['DONE', ago(40)],
      ['DONE', ago(2)],
    ]);
    // Sync run history itself stays.
    expect(await prisma().syncRun.count()).toBe(1);
  });

  it('the LOG_RETENTION schedule runs it with the configured window when it fires', async () => {
    await seedLogs();
    await seedPushes();
    const scheduler = await startScheduler(t.app.services, { timers: false, firstSync: false, now: () => NOW, logRetentionDays: 60, retentionBatchSize: 3 });
    try {
      const schedule = await prisma().schedule.findUniqueOrThrow({ where: { key: 'log-retention' } });
      expect(schedule.cron).toBe('15 3 * * *');
      await prisma().schedule.updateMany({ where: { NOT: { id: schedule.id } }, data: { enabled: false } });
      await prisma().schedule.update({ where: { id: schedule.id }, data: { nextFireAt: NOW } });
      const fired = await scheduler.fireDue(NOW);
      expect(fired.map((f) => [f.key, f.error, f.nextFireAt])).toEqual([['log-retention', null, cronNext('15 3 * * *', NOW)]]);
      // A 60-day window: the 90- and 365-day-old logs go; no push finished more than 60 days ago (the oldest is exactly at the cutoff).
      const seededLeft = await prisma().syncLog.count({ where: { message: { startsWith: 'seeded' } } });
      expect(seededLeft).toBe(11 - 2);
      expect(await prisma().syncLog.count({ where: { message: 'log retention: removed 2 sync log row(s) and 0 finished push job(s) older than 60 day(s)' } })).toBe(1);
      expect(await prisma().pushJob.count()).toBe(7);
    } finally {
      await scheduler.stop();
    }
  });

  it('TASK_RETENTION removes the bookkeeping of finished runs only, and keeps the runs', async () => {
    const base = { accountId, scope: 'ALL' as const, mode: 'FULL' as const, conflictStrategy: 'REMOTE_PRIORITY' as const, triggeredBy: 'test' };
    const finished = await prisma().syncRun.create({ data: { ...base, status: 'CANCELLED' } });
    const failed = await prisma().syncRun.create({ data: { ...base, status: 'FAILED' } });
    const active = await prisma().syncRun.create({ data: { ...base, status: 'INTERRUPTED', activeKey: accountId } });
    const seen = (runId: string, n: number) => Array.from({ length: n }, (_, i) => ({ runId, externalId: `e${i}` }));
    await prisma().syncRunSeen.createMany({ data: [...seen(finished.id, 5), ...seen(failed.id, 2), ...seen(active.id, 4)] });
    const runsBefore = await prisma().syncRun.count();

    expect(await retainTasks(t.app.services, 2)).toMatchObject({ seenRows: 7, tasks: { tasksDeleted: 0 } });
    const left = await prisma().syncRunSeen.groupBy({ by: ['runId'], _count: { _all: true } });
    expect(left.map((g) => [g.runId, g._count._all])).toEqual([[active.id, 4]]);
    expect(await prisma().syncRun.count()).toBe(runsBefore);
    expect(await retainTasks(t.app.services)).toMatchObject({ seenRows: 0 });
  });
});
