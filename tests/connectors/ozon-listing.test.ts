/** Ozon listings as a real account answers them: stock per FBS warehouse, FBO apart, names, content, moderation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector, type RemoteListing } from '../../src/connectors/index.js';
import { collectPages, QUICK_RETRIES } from '../../src/connectors/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { startOzonSeller } from '../../src/simulators/ozon/testing.js';

describe('Ozon listings', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startOzonSeller({ warehouses: 2 }, { offers: 300, seed: 21 });
  });
  afterAll(() => sim.stop());

  const list = async (skus: string[]): Promise<Map<string, RemoteListing>> => {
    const connector = createConnector(sim.account(`oz-list-${skus.join()}`), QUICK_RETRIES);
    const { items } = await collectPages(connector.listProducts({ mode: 'SELECTIVE', skus }));
    return new Map(items.map((item) => [item.sku, item]));
  };

  it('keys FBS stock by each warehouse id (not one "id1,id2" key) and keeps FBO stock apart under "fbo"', async () => {
    // STK-0000001 is index 0: it also has units in Ozon's own (FBO) warehouses.
    const listings = await list(['STK-0000001', 'STK-0000002']);
    for (const sku of ['STK-0000001', 'STK-0000002']) {
      const offer = sim.offer(sku)!;
      const listing = listings.get(sku)!;
      const fbs = Object.fromEntries(Object.entries(listing.stockByWarehouse).filter(([key]) => key !== 'fbo'));
      expect(fbs).toEqual(offer.stockByWarehouse);
      expect(listing.stock).toBe(offer.stock);
    }
    expect(listings.get('STK-0000001')?.stockByWarehouse.fbo).toBe(7);
    expect(listings.get('STK-0000002')?.stockByWarehouse.fbo).toBeUndefined();
  });

  it('pushes stock to a warehouse key its listing reported', async () => {
    const listing = (await list(['STK-0000005'])).get('STK-0000005')!;
    const warehouseId = Object.keys(listing.stockByWarehouse)[1]!;
    const connector = createConnector(sim.account('oz-list-push'), QUICK_RETRIES);
    expect(await connector.pushStock([{ externalId: listing.externalId, stock: 3, warehouseId }])).toEqual([{ ok: true }]);
    expect(sim.offer('STK-0000005')?.stockByWarehouse[warehouseId]).toBe(3);
  });

  it('reads the product name, barcodes, images and category from /v3/product/info/list', async () => {
    const listing = (await list(['STK-0000002'])).get('STK-0000002')!;
    const offer = sim.catalog.get(1);
    expect(listing.name).toBe(offer.name);
    expect(listing.content?.barcodes).toEqual([offer.ean]);
    expect(listing.content?.images).toHaveLength(2);
    expect(listing.content?.images?.[0]).toMatch(/^https:\/\/.*-0\.jpg$/);
    expect(listing.content?.category).toMatch(/^\d+$/);
    expect(listing.rejectionReasons).toEqual([]);
  });

  it('reports a product that failed moderation as INACTIVE with its errors, and not its warnings', async () => {
    const index = Array.from({ length: 300 }, (_, i) => i).find((i) => sim.catalog.get(i).status === 'inactive' && i % 7 !== 3);
    expect(index).toBeDefined();
    const sku = sim.catalog.get(index!).sku;
    const listing = (await list([sku])).get(sku)!;
    expect(listing.status).toBe('INACTIVE');
    expect(listing.remoteStatus).toBe('failed_moderation');
    expect(listing.rejectionReasons).toEqual([expect.stringContaining('Бренд')]);
    const warned = (await list(['STK-0000004'])).get('STK-0000004')!; // index 3: a resolution warning only
    if (sim.catalog.get(3).status === 'active') expect(warned.rejectionReasons).toEqual([]);
  });
});
