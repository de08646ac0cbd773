/**
 * Wildberries stock push conflicts as the marketplace API answers them (02-products.yaml, PUT
 * /api/v3/stocks/{warehouseId}, 409 StocksWarehouseError): problems name items by barcode
 * (`sku`) in `data[]`, the whole request is refused, and StoreIsProcessing asks to retry shortly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/index.js';
import { QUICK_RETRIES } from '../../src/connectors/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { FAST_LIMITS, startFastSimulator } from '../../src/simulators/testing.js';
import { wildberriesControls } from '../../src/simulators/wildberries/index.js';

const fastStatistics = { limit: 50, periodMs: 1000, burst: 5 };
const chrtIdOf = (externalId: string) => Number(externalId.split(':')[1]);

describe('Wildberries stock push', () => {
  let sim: Simulator;
  let accounts = 0;
  const connector = () => createConnector(sim.account(`wb-stock-${(accounts += 1)}`), QUICK_RETRIES);
  beforeAll(async () => {
    sim = await startFastSimulator('WILDBERRIES', {
      offers: 200,
      seed: 22,
      rateLimits: { ...FAST_LIMITS.WILDBERRIES, statisticsOrders: fastStatistics, statisticsStocks: fastStatistics },
    });
  });
  afterAll(() => sim.stop());

  it('attributes a 409 naming a barcode to that item and applies the others', async () => {
    const refused = sim.offer('STK-0000030')!;
    const good = sim.offer('STK-0000031')!;
    const warehouseId = Object.keys(good.stockByWarehouse)[0] as string;
    wildberriesControls(sim).restrictSize(chrtIdOf(refused.externalId), 'SubjectFBSRestriction', "The product category cannot be sold with 'Delivery By Supplier'.");
    const results = await connector().pushStock([
      { externalId: refused.externalId, stock: 5, warehouseId },
      { externalId: good.externalId, stock: 42, warehouseId },
    ]);
    expect(results[0]).toMatchObject({ ok: false, error: expect.stringMatching(/^SubjectFBSRestriction: The product category/) });
    expect(results[1]).toEqual({ ok: true });
    expect(sim.offer('STK-0000031')?.stockByWarehouse[warehouseId]).toBe(42);
    expect(sim.offer('STK-0000030')?.stockByWarehouse[warehouseId]).toBe(refused.stockByWarehouse[warehouseId]);
  });

  it('retries StoreIsProcessing after a short delay', async () => {
    const offer = sim.offer('STK-0000032')!;
    const warehouseId = Object.keys(offer.stockByWarehouse)[1] as string;
    wildberriesControls(sim).storeProcessing(Number(warehouseId), 1);
    expect(await connector().pushStock([{ externalId: offer.externalId, stock: 17, warehouseId }])).toEqual([{ ok: true }]);
    expect(sim.offer('STK-0000032')?.stockByWarehouse[warehouseId]).toBe(17);
  });

  it('names an unknown size NotFound and still applies the rest of the batch', async () => {
    const good = sim.offer('STK-0000033')!;
    const warehouseId = Object.keys(good.stockByWarehouse)[0] as string;
    const results = await connector().pushStock([
      { externalId: good.externalId, stock: 9, warehouseId },
      { externalId: '100000033:999999999', stock: 1, warehouseId },
    ]);
    expect(results[1]).toMatchObject({ ok: false, error: expect.stringMatching(/^NotFound/) });
    expect(results[0]).toEqual({ ok: true });
    expect(sim.offer('STK-0000033')?.stockByWarehouse[warehouseId]).toBe(9);
  });
});
