/**
 * A listing under an allocation rule holds what the pool allocates: when a sync reads another stock
 * at the marketplace (someone changed it there), the pool's allocation is pushed back, not left
 * standing until the product's stock next moves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, ERRORS, waitFor } from '../helpers/catalog.js';
import { syncNow } from '../helpers/sync.js';

let t: TestApp;
let sim: Simulator;
let accountId: string;
let productId: string;
let sku: string;

beforeAll(async () => {
  t = await startTestApp({}, { pushWorker: { pollMs: 50, baseDelayMs: 300 } });
  sim = await startFastSimulator('EMAG', { offers: 3, orders: 0, seed: 11 });
  accountId = await createSimAccount(t, sim, 'drift eMAG');
  expect((await syncNow(t, accountId, { scope: 'PRODUCTS', mode: 'FULL' })).status).toBe('SUCCESS');
  sku = sim.catalog.get(0).sku;
  productId = (await t.app.services.prisma.product.findUniqueOrThrow({ where: { sku } })).id;
});
afterAll(async () => {
  await t?.close();
  await sim?.stop();
});

describe('a listing under allocation whose stock was changed at the marketplace', () => {
  it('gets the allocation pushed back after the sync reads it', async () => {
    const r = dataOf(await t.gql(`mutation($i: SetStockAllocationRuleInput!) { setStockAllocationRule(input: $i) { ${ERRORS} } }`, { i: { accountId, mode: 'SHARE', value: 100 } }));
    expect(r.setStockAllocationRule.errors).toEqual([]);
    await t.gql(`mutation { adjustStock(input: { productId: "${productId}", quantity: 10 }) { ${ERRORS} } }`);
    await waitFor(() => sim.offer(sku)!.stock === 10, { timeoutMs: 20_000, intervalMs: 50, what: 'the pool pushed' });
    await waitFor(async () => (await t.app.services.prisma.pushJob.count({ where: { status: 'PENDING' } })) === 0, { timeoutMs: 20_000, intervalMs: 50, what: 'pushes settled' });

    // Someone sets 40 in the marketplace's own back office; the pool still has 10.
    const index = sim.catalog.indexOfSku(sku)!;
    sim.catalog.update(index, { stock: sim.catalog.get(index).stock.map(() => 40) });
    expect(sim.offer(sku)!.stock).toBe(40);
    expect((await syncNow(t, accountId, { scope: 'PRODUCTS', mode: 'FULL' })).status).toBe('SUCCESS');

    await waitFor(() => sim.offer(sku)!.stock === 10, { timeoutMs: 10_000, intervalMs: 50, what: 'the allocation pushed back' }).catch((error: Error) => {
      throw new Error(`${error.message}; the marketplace shows ${sim.offer(sku)!.stock}, the pool has ${10}`);
    });
  });

  it('costs an account without an allocation rule (the default) no stock-pool reads on its sync pages', async () => {
    const plain = await startFastSimulator('STOREFRONT', { offers: 20, seed: 12 });
    try {
      const plainAccount = await createSimAccount(t, plain, 'no rule storefront');
      t.resetQueries();
      expect((await syncNow(t, plainAccount, { scope: 'PRODUCTS', mode: 'FULL' })).status).toBe('SUCCESS');
      // Every listing is new to this account (inserted): before, each page read their products' stock levels.
      expect(t.queries.filter((sql) => /INSERT INTO "Listing"|"Listing"/.test(sql)).length).toBeGreaterThan(0);
      expect(t.queries.filter((sql) => /"StockBalance"/.test(sql))).toEqual([]);
    } finally {
      await plain.stop();
    }
  });
});
