import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount } from '../helpers/catalog.js';
import { syncNow } from '../helpers/sync.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';

describe('full sync', () => {
  let t: TestApp;
  let sim: Simulator;
  let accountId: string;

  beforeAll(async () => {
    t = await startTestApp();
    sim = await startFastSimulator('EMAG', { offers: 10_000, seed: 7 });
    accountId = await createSimAccount(t, sim, 'eMAG main');
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it('lands each of 10,000 offers exactly once, with its price and stock', async () => {
    const run = await syncNow(t, accountId);
    expect(run).toMatchObject({ status: 'SUCCESS', created: 10_000, updated: 0, unchanged: 0, failed: 0, delisted: 0, percent: 100, pagesDone: 100, pagesTotal: 100 });
    const prisma = t.app.services.prisma;
    expect(await prisma.listing.count({ where: { accountId } })).toBe(10_000);
    const distinct = await prisma.listing.groupBy({ by: ['externalId'], where: { accountId }, _count: true });
    expect(distinct.length).toBe(10_000);
    expect(await prisma.product.count()).toBe(10_000);
    for (const index of [0, 4321, 9999]) {
      const offer = sim.offer(sim.catalog.get(index).sku)!;
      const listing = await prisma.listing.findUniqueOrThrow({ where: { accountId_externalId: { accountId, externalId: offer.externalId } } });
      expect({ price: listing.price.toFixed(2), stock: listing.stock, sku: listing.sku }).toEqual({ price: offer.price, stock: offer.stock, sku: offer.sku });
      expect(listing.stockByWarehouse).toEqual(offer.stockByWarehouse);
    }
    expect(sim.stats().violations).toBe(0);
  });

  it('a second FULL run finds everything unchanged and writes nothing', async () => {
    const prisma = t.app.services.prisma;
    const before = await prisma.listing.aggregate({ where: { accountId }, _max: { updatedAt: true } });
    t.resetQueries();
    const run = await syncNow(t, accountId);
    expect(run).toMatchObject({ status: 'SUCCESS', created: 0, updated: 0, unchanged: 10_000, failed: 0, delisted: 0 });
    expect(t.queries.filter((q) => /^\s*UPDATE "Listing" AS l/i.test(q) || /^\s*INSERT INTO "Listing"/i.test(q))).toEqual([]);
    expect(await prisma.listing.aggregate({ where: { accountId }, _max: { updatedAt: true } })).toEqual(before);
  });
});
