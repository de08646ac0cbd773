/** Ozon specifics: its auth answers, per-item write errors, the per-method stock budget. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/index.js';
import { QUICK_RETRIES } from '../../src/connectors/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';

describe('Ozon connector', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startFastSimulator('OZON', { offers: 400, seed: 9 });
  });
  afterAll(() => sim.stop());

  it('treats 404 "Invalid Api-Key" and 400 "Client-Id" answers as AUTH', async () => {
    const badKey = createConnector({ ...sim.account('oz-a'), credentials: { ...sim.credentials, apiKey: 'nope' } }, QUICK_RETRIES);
    expect(await badKey.testConnection()).toMatchObject({ ok: false, kind: 'AUTH', message: expect.stringContaining('Invalid Api-Key') });
    const badId = createConnector({ ...sim.account('oz-b'), credentials: { ...sim.credentials, clientId: 'abc' } }, QUICK_RETRIES);
    expect(await badId.testConnection()).toMatchObject({ ok: false, kind: 'AUTH' });
  });

  it('reports per-item errors from a 200 answer (stock updated too frequently)', async () => {
    const connector = createConnector(sim.account('oz-c'), QUICK_RETRIES);
    const offer = sim.offer('STK-0000042')!;
    const warehouseId = Object.keys(offer.stockByWarehouse)[0];
    const first = await connector.pushStock([{ externalId: offer.externalId, stock: 11, warehouseId }]);
    expect(first).toEqual([{ ok: true }]);
    const again = await connector.pushStock([
      { externalId: offer.externalId, stock: 12, warehouseId },
      { externalId: offer.externalId, stock: 12, warehouseId: '123' },
      { externalId: offer.externalId, stock: 12 },
    ]);
    expect(again[0]).toMatchObject({ ok: false, errorKind: 'RATE_LIMIT', error: expect.stringContaining('TOO_MANY_REQUESTS') });
    expect(again[1]).toMatchObject({ ok: false, error: expect.stringContaining('WAREHOUSE_NOT_FOUND') });
    expect(again[2]).toMatchObject({ ok: false, error: expect.stringContaining('warehouseId') });
    expect(sim.offer('STK-0000042')?.stockByWarehouse[warehouseId as string]).toBe(11);
  });

  it('sends stock updates through the per-method budget in batches of 100', async () => {
    const connector = createConnector(sim.account('oz-d'), QUICK_RETRIES);
    sim.resetStats();
    const warehouseId = Object.keys(sim.offer('STK-0000001')!.stockByWarehouse)[1] as string;
    const updates = Array.from({ length: 150 }, (_, n) => ({ sku: sim.offer(`STK-${String(n + 101).padStart(7, '0')}`)!.sku, stock: 5, warehouseId }));
    const results = await connector.pushStock(updates);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(sim.stats().byGroup['stocks-update']?.requests).toBe(2);
    expect(sim.stats().byGroup.global?.requests).toBe(2);
  });

  it('sends prices as strings and reads them back as numbers', async () => {
    const connector = createConnector(sim.account('oz-e'), QUICK_RETRIES);
    const offer = sim.offer('STK-0000077')!;
    expect(await connector.pushPrice([{ externalId: offer.externalId, price: '1234.50' }])).toEqual([{ ok: true }]);
    expect(sim.offer('STK-0000077')?.price).toBe('1234.50');
  });
});
