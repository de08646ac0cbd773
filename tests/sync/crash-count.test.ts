/**
 * Crash loops are counted apart from ordinary resumptions (review finding 8). Only a failure of
 * the executor itself for another reason than an outage counts as a crash: a run resumed after
 * shutdowns, outages or reaps is not failed for them. After 3 resumed crashes the 4th ends the run
 * FAILED through the normal terminal path (sync.failed event, its webhook deliveries, the finished
 * runs metric) with a message that says how often it crashed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, waitFor } from '../helpers/catalog.js';
import { waitForRun } from '../helpers/sync.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import type { DomainEvent } from '../../src/events/event-types.js';

let t: TestApp;
let sim: Simulator;
/** Runs whose executor crashes (a non-database error before its first page), with crashes left. */
const crashes = new Map<string, number>();
const published: DomainEvent[] = [];

beforeAll(async () => {
  t = await startTestApp({ SYNC_HEARTBEAT_MS: '200', SYNC_STALE_AFTER_MS: '5000', SYNC_POLL_MS: '100' });
  sim = await startFastSimulator('STOREFRONT', { offers: 20, seed: 21 });
  const events = t.app.services.events;
  // The executor announces the run RUNNING before its first page: the crash is injected there.
  const publishSyncRun = events.publishSyncRun.bind(events);
  events.publishSyncRun = (change) => {
    const left = crashes.get(change.runId) ?? 0;
    if (change.status === 'RUNNING' && left > 0) {
      crashes.set(change.runId, left - 1);
      throw new Error('injected executor crash');
    }
    publishSyncRun(change);
  };
  const publish = events.publish.bind(events);
  events.publish = (list) => {
    const all = [...list];
    published.push(...all);
    publish(all);
  };
});
afterAll(async () => {
  await t?.close();
  await sim?.stop();
});

const seedRun = async (accountId: string, resumedCount: number) =>
  t.app.services.prisma.syncRun.create({
    data: { accountId, activeKey: accountId, scope: 'PRODUCTS', mode: 'FULL', conflictStrategy: 'REMOTE_PRIORITY', triggeredBy: 'test', status: 'INTERRUPTED', resumedCount, pagesDone: 0 },
  });

describe('crash counting', () => {
  it('a run resumed 3 times after shutdowns, outages or reaps that then crashes once is resumed again and reaches SUCCESS', async () => {
    const accountId = await createSimAccount(t, sim, 'often resumed');
    const run = await t.app.services.prisma.syncRun.create({
      data: { accountId, activeKey: accountId, scope: 'PRODUCTS', mode: 'FULL', conflictStrategy: 'REMOTE_PRIORITY', triggeredBy: 'test', status: 'PENDING', resumedCount: 3 },
    });
    crashes.set(run.id, 1);
    t.app.services.syncRunner?.kick();
    const done = await waitForRun(t, run.id, 20_000);
    expect(done.status, JSON.stringify(done)).toBe('SUCCESS');
    const row = await t.app.services.prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(row).toMatchObject({ status: 'SUCCESS', crashCount: 1, resumedCount: 4, error: null });
  });

  it('the 4th crash ends the run FAILED through the terminal path: sync.failed event, webhook delivery, finished-runs metric, a true message', async () => {
    const accountId = await createSimAccount(t, sim, 'crash loop');
    const prisma = t.app.services.prisma;
    const hook = await prisma.webhookSubscription.create({ data: { url: 'http://127.0.0.1:9/hook', events: ['sync.failed'], secretEncrypted: 'unused', active: false } });
    const run = await seedRun(accountId, 0);
    // Inactive until the run exists: only this run's terminal event is recorded for it.
    await prisma.webhookSubscription.update({ where: { id: hook.id }, data: { active: true } });
    crashes.set(run.id, 100);
    t.app.services.syncRunner?.kick();
    const done = await waitForRun(t, run.id, 20_000);
    await prisma.webhookSubscription.update({ where: { id: hook.id }, data: { active: false } });
    expect(done.status).toBe('FAILED');
    const row = await prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(row).toMatchObject({ status: 'FAILED', crashCount: 4, activeKey: null });
    expect(row.error).toBe('the sync crashed 4 times: injected executor crash');
    expect(crashes.get(run.id)).toBe(96);
    // The terminal event is published after the commit that shows the run FAILED (and its summary log).
    const failedEvents = () => published.filter((e) => e.type === 'sync.failed' && (e.payload as any).runId === run.id);
    await waitFor(() => failedEvents().length > 0, { what: 'the sync.failed event' });
    expect(failedEvents()).toHaveLength(1);
    const deliveries = await prisma.webhookDelivery.findMany({ where: { subscriptionId: hook.id } });
    expect(deliveries.map((d) => [d.eventType, JSON.parse(d.body).data.runId])).toEqual([['sync.failed', run.id]]);
    const metrics = await t.app.services.metrics!.registry.getSingleMetricAsString('stockline_sync_runs_finished_total');
    expect(metrics).toMatch(new RegExp(`account_id="${accountId}"[^\\n]*status="FAILED"[^\\n]* 1`));
  });
});
