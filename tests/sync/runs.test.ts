import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, waitFor } from '../helpers/catalog.js';
import { runOf, syncNow, trigger, waitForRun } from '../helpers/sync.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';

const OFFERS = 1000;

describe('sync runs', () => {
  let t: TestApp;
  let sim: Simulator;
  let accountId: string;
  const prisma = () => t.app.services.prisma;

  beforeAll(async () => {
    t = await startTestApp({}, { syncRunner: { pageRetryDelayMs: 10 } });
    sim = await startFastSimulator('STOREFRONT', { offers: OFFERS, seed: 21 });
    accountId = await createSimAccount(t, sim);
    expect(await syncNow(t, accountId)).toMatchObject({ status: 'SUCCESS', created: OFFERS });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it('a page that stays malformed makes the run PARTIAL, logged, and loses nothing', async () => {
    const drifted = sim.drift({ fraction: 0.2, orders: false }).offers;
    const before = await prisma().listing.count({ where: { accountId, status: { not: 'DELISTED' } } });
    sim.setFaults({ malformedPages: [4], errorRate: 0.2 });
    try {
      const run = await syncNow(t, accountId);
      expect(run.status).toBe('PARTIAL');
      expect(run.error).toMatch(/1 page\(s\) could not be read/);
      // Pages before the bad one landed; nothing was deleted, nothing was delisted, nothing zeroed.
      expect(run.pagesDone).toBe(3);
      expect(run.delisted).toBe(0);
      expect(await prisma().listing.count({ where: { accountId, status: { not: 'DELISTED' } } })).toBe(before);
      expect(await prisma().listing.count({ where: { accountId, stock: 0, remoteStock: { gt: 0 } } })).toBe(0);
      const errors = dataOf(await t.gql(`query($id: ID!) { syncRun(id: $id) { errors { level message context } } syncLogs(filter: { runId: $id, level: WARN }) { totalCount } }`, { id: run.id }));
      expect(errors.syncRun.errors.map((e: any) => e.message)).toEqual([expect.stringMatching(/^products page after 3 page\(s\) failed 3 times, phase stopped: /)]);
      expect(errors.syncLogs.totalCount).toBeGreaterThanOrEqual(3);
      // The offers of the pages that were read carry their new values.
      const updated = await prisma().listing.findMany({ where: { accountId, sku: { in: drifted } }, select: { sku: true, price: true } });
      const landed = updated.filter((l) => l.price.toFixed(2) === sim.offer(l.sku)!.price);
      expect(landed.length).toBe(run.updated);
    } finally {
      sim.setFaults({});
    }
    // Once the marketplace recovers, a FULL run completes the picture.
    const healed = await syncNow(t, accountId);
    expect(healed).toMatchObject({ status: 'SUCCESS', failed: 0 });
    for (const sku of drifted.slice(0, 20)) {
      const l = await prisma().listing.findFirstOrThrow({ where: { accountId, sku } });
      expect(l.price.toFixed(2)).toBe(sim.offer(sku)!.price);
    }
  });

  it('concurrent triggers for one account give one run', async () => {
    // Slow pages keep the first run active while the other triggers arrive (a run that has already
    // finished is rightly followed by a new one; on PGlite the triggers' statements are served in turn).
    sim.setFaults({ latencyMs: 150 });
    const results = await Promise.all(Array.from({ length: 6 }, () => trigger(t, { accountIds: [accountId], scope: 'PRODUCTS', mode: 'FULL' }))).finally(() => sim.setFaults({}));
    const ids = new Set(results.map((r) => r.runs[0].id));
    expect(results.every((r) => r.errors.length === 0)).toBe(true);
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    await waitForRun(t, id!);
    expect(await prisma().syncRun.count({ where: { activeKey: accountId } })).toBe(0);
  });

  it('a completed FULL run delists offers the marketplace no longer lists; an incomplete one does not', async () => {
    const product = await prisma().product.create({ data: { sku: 'GONE-1', name: 'Withdrawn' } });
    const gone = await prisma().listing.create({
      data: { productId: product.id, accountId, externalId: 'gone-1', sku: 'GONE-1', name: 'Withdrawn', price: '1.00', remotePrice: '1.00', currency: 'RON', stock: 4, remoteStock: 4, status: 'ACTIVE', remoteStatus: 'active' },
    });
    const limited = await syncNow(t, accountId, { maxPages: 2 });
    expect(limited).toMatchObject({ status: 'SUCCESS', pagesDone: 2, delisted: 0 });
    expect((await prisma().listing.findUniqueOrThrow({ where: { id: gone.id } })).status).toBe('ACTIVE');

    const full = await syncNow(t, accountId);
    expect(full).toMatchObject({ status: 'SUCCESS', delisted: 1 });
    const after = await prisma().listing.findUniqueOrThrow({ where: { id: gone.id } });
    // Delisted, not deleted, and its last known values are kept.
    expect({ status: after.status, stock: after.stock, price: after.price.toFixed(2) }).toEqual({ status: 'DELISTED', stock: 4, price: '1.00' });
  });

  it('SELECTIVE fetches only the given SKUs', async () => {
    const skus = [sim.catalog.get(5).sku, sim.catalog.get(500).sku, sim.catalog.get(999).sku];
    sim.drift({ count: OFFERS, orders: false });
    const run = await syncNow(t, accountId, { mode: 'SELECTIVE', skus });
    expect(run).toMatchObject({ status: 'SUCCESS', itemsDone: 3, updated: 3, delisted: 0 });
    for (const sku of skus) expect((await prisma().listing.findFirstOrThrow({ where: { accountId, sku } })).price.toFixed(2)).toBe(sim.offer(sku)!.price);
    // Everything else still holds the values of before the drift.
    const other = sim.catalog.get(6).sku;
    expect((await prisma().listing.findFirstOrThrow({ where: { accountId, sku: other } })).price.toFixed(2)).not.toBe(sim.offer(other)!.price);
    await syncNow(t, accountId);
  });

  it('cancelling a running sync stops it at a page boundary and frees the account', async () => {
    const listings = await prisma().listing.count({ where: { accountId } });
    sim.setFaults({ latencyMs: 150 });
    try {
      const { runs } = await trigger(t, { accountIds: [accountId], scope: 'PRODUCTS', mode: 'FULL' });
      await waitFor(async () => (await runOf(t, runs[0].id)).pagesDone >= 1, { what: 'a first page' });
      const cancelled = dataOf(await t.gql(`mutation($id: ID!) { cancelSyncRun(input: { id: $id }) { run { id } errors { code } } }`, { id: runs[0].id })).cancelSyncRun;
      expect(cancelled.errors).toEqual([]);
      const run = await waitForRun(t, runs[0].id);
      expect(run.status).toBe('CANCELLED');
      expect(run.pagesDone).toBeLessThan(10);
      const again = dataOf(await t.gql(`mutation($id: ID!) { cancelSyncRun(input: { id: $id }) { errors { code } } }`, { id: runs[0].id })).cancelSyncRun;
      expect(again.errors.map((e: any) => e.code)).toEqual(['RUN_FINISHED']);
      // A cancelled FULL run is incomplete: it deletes and delists nothing.
      expect(await prisma().listing.count({ where: { accountId } })).toBe(listings);
      expect(run.delisted).toBe(0);
    } finally {
      sim.setFaults({});
    }
    const next = await trigger(t, { accountIds: [accountId], scope: 'PRODUCTS', mode: 'INCREMENTAL' });
    expect(next.runs).toHaveLength(1);
    await waitForRun(t, next.runs[0].id);
  });

  it('orders: a FULL orders sync lands every order with its lines; an incremental one picks up new and changed orders', async () => {
    const run = await syncNow(t, accountId, { scope: 'ORDERS', mode: 'FULL' });
    const total = sim.orders.all().length;
    expect(run).toMatchObject({ status: 'SUCCESS', created: total, failed: 0 });
    expect(await prisma().order.count({ where: { accountId } })).toBe(total);
    const sample = sim.orders.all()[3]!;
    const order = await prisma().order.findFirstOrThrow({ where: { accountId, externalId: String(sample.id) }, include: { items: true } });
    expect(order.items.map((i) => i.quantity)).toEqual(sample.lines.map((l) => l.quantity));

    const drift = sim.drift({ count: 1, orders: { created: 4, updated: 6 } }).orders;
    const incremental = await syncNow(t, accountId, { scope: 'ORDERS', mode: 'INCREMENTAL' });
    expect(incremental).toMatchObject({ status: 'SUCCESS', created: drift.created.length, failed: 0 });
    expect(incremental.updated).toBe(drift.updated.length);
    expect(await prisma().order.count({ where: { accountId } })).toBe(total + drift.created.length);
  });

  it('refuses bad input with typed errors and queues nothing', async () => {
    const before = await prisma().syncRun.count();
    const bad = [
      [{ accountIds: [accountId], mode: 'SELECTIVE' }, 'VALIDATION', ['input', 'skus']],
      [{ accountIds: ['6f1c7c4e-0000-4000-8000-000000000000'] }, 'NOT_FOUND', ['input', 'accountIds', '0']],
      [{ accountIds: [accountId], maxPages: 0 }, 'VALIDATION', ['input', 'maxPages']],
      [{ accountIds: [accountId], mode: 'FULL', skus: ['X'] }, 'VALIDATION', ['input', 'skus']],
    ] as const;
    for (const [input, code, field] of bad) {
      const r = await trigger(t, input as never);
      expect(r.runs).toEqual([]);
      expect(r.errors[0]).toMatchObject({ code, field });
    }
    expect(await prisma().syncRun.count()).toBe(before);
    const viewer = await t.tokenFor('VIEWER');
    const forbidden = await t.gql(`mutation { triggerSync(input: {}) { runs { id } } }`, {}, viewer);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('syncLogs filters by run, account and level, newest first', async () => {
    const run = await syncNow(t, accountId, { mode: 'INCREMENTAL' });
    const q = `query($f: SyncLogFilter, $n: Int) { syncLogs(filter: $f, first: $n) { totalCount edges { node { level message runId accountId createdAt } } } }`;
    const byRun = dataOf(await t.gql(q, { f: { runId: run.id }, n: 500 })).syncLogs;
    const messages = byRun.edges.map((e: any) => e.node.message);
    expect(messages[0]).toMatch(/^sync SUCCESS: /);
    expect(messages.at(-1)).toMatch(/sync queued by /);
    expect(byRun.edges.every((e: any) => e.node.runId === run.id && e.node.accountId === accountId)).toBe(true);
    const times = byRun.edges.map((e: any) => Date.parse(e.node.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    // A level means that level and the more severe ones: INFO hides the per-page DEBUG lines.
    const info = dataOf(await t.gql(q, { f: { runId: run.id, level: 'INFO' }, n: 500 })).syncLogs;
    expect(info.edges.map((e: any) => e.node.level).every((l: string) => l !== 'DEBUG')).toBe(true);
    expect(info.totalCount).toBe(byRun.edges.filter((e: any) => e.node.level !== 'DEBUG').length);
    expect(info.totalCount).toBeLessThan(byRun.totalCount);
    const errors = dataOf(await t.gql(q, { f: { runId: run.id, level: 'ERROR' } })).syncLogs;
    expect(errors.totalCount).toBe(0);
    const none = dataOf(await t.gql(q, { f: { accountId: '6f1c7c4e-0000-4000-8000-000000000000' } })).syncLogs;
    expect(none.totalCount).toBe(0);
  });
});
