import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount } from '../helpers/catalog.js';
import { syncNow } from '../helpers/sync.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';

const OFFERS = 2000;

describe.each(['STOREFRONT', 'EMAG', 'OZON', 'WILDBERRIES'] as const)('incremental sync on %s', (channel) => {
  let t: TestApp;
  let sim: Simulator;
  let accountId: string;

  beforeAll(async () => {
    t = await startTestApp();
    sim = await startFastSimulator(channel, { offers: OFFERS, seed: 11, stockCooldownMs: 0 });
    accountId = await createSimAccount(t, sim);
    const first = await syncNow(t, accountId, { mode: 'FULL' });
    expect(first).toMatchObject({ status: 'SUCCESS', created: OFFERS, failed: 0 });
    // Untouched simulator offers all share one change time, which the FULL run's watermark equals
    // (and the lookback re-reads). One incremental round moves the watermark past it.
    sim.drift({ count: 3, orders: false });
    expect(await syncNow(t, accountId, { mode: 'INCREMENTAL' })).toMatchObject({ status: 'SUCCESS', updated: 3 });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it('after drift writes exactly the drifted offers, with their new values', async () => {
    const drifted = sim.drift({ count: 37, orders: false }).offers;
    expect(drifted.length).toBe(37);
    const prisma = t.app.services.prisma;
    const since = new Date();
    const run = await syncNow(t, accountId, { mode: 'INCREMENTAL' });
    expect(run).toMatchObject({ status: 'SUCCESS', created: 0, updated: drifted.length, failed: 0, delisted: 0 });
    const touched = await prisma.listing.findMany({ where: { accountId, updatedAt: { gte: since } }, select: { sku: true, price: true, stock: true } });
    expect(touched.map((l) => l.sku).sort()).toEqual([...drifted].sort());
    for (const listing of touched) {
      const offer = sim.offer(listing.sku)!;
      expect({ sku: listing.sku, price: listing.price.toFixed(2), stock: listing.stock }).toEqual({ sku: offer.sku, price: offer.price, stock: offer.stock });
    }
    if (channel === 'STOREFRONT') {
      // The storefront filters by change time: only the drifted offers and the lookback overlap come back.
      expect(run.itemsDone).toBe(drifted.length + 3);
      expect(run.unchanged).toBe(3);
    } else {
      // No modified-since filter for offers here: the run scans everything and writes only what changed.
      expect(run.itemsDone).toBe(OFFERS);
      expect(run.unchanged).toBe(OFFERS - drifted.length);
    }
  });

  it('with nothing changed remotely writes nothing', async () => {
    const run = await syncNow(t, accountId, { mode: 'INCREMENTAL' });
    expect(run).toMatchObject({ status: 'SUCCESS', created: 0, updated: 0, failed: 0 });
  });
});
