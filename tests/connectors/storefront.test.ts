/** Storefront specifics: bulk PATCH with per-item results, pushes by SKU, updated_since order. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/index.js';
import { collectPages, QUICK_RETRIES } from '../../src/connectors/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import { productSchema } from '../../src/connectors/storefront/schemas.js';
import { toListing } from '../../src/connectors/storefront/mapper.js';

describe('storefront connector', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startFastSimulator('STOREFRONT', { offers: 250, seed: 17 });
  });
  afterAll(() => sim.stop());

  it('pushes by SKU and reports each rejected item', async () => {
    const connector = createConnector(sim.account('sf-a'), QUICK_RETRIES);
    const results = await connector.pushPrice([
      { sku: 'STK-0000005', price: '12.34' },
      { sku: 'STK-0099999', price: '1.00' },
      { sku: 'STK-0000006', price: 'abc' },
    ]);
    expect(results[0]).toEqual({ ok: true });
    expect(results[1]).toMatchObject({ ok: false, error: expect.stringContaining('not_found') });
    expect(results[2]).toMatchObject({ ok: false, errorKind: 'VALIDATION' });
    expect(sim.offer('STK-0000005')?.price).toBe('12.34');
  });

  it('lists what changed since a watermark in update order, pushes included', async () => {
    const connector = createConnector(sim.account('sf-b'), QUICK_RETRIES);
    const watermark = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await connector.pushStock([{ sku: 'STK-0000200', stock: 1 }]);
    // The drift comes after the push on the marketplace's clock: in the same millisecond they would
    // tie, and ties sort by offer (the drifted STK-0000061 before STK-0000200).
    const pushedAt = sim.catalog.get(sim.catalog.indexOfSku('STK-0000200')!).updatedAt;
    while (Date.now() <= pushedAt) await new Promise((resolve) => setTimeout(resolve, 1));
    const drift = sim.drift({ count: 3, orders: false });
    const { items } = await collectPages(connector.listProducts({ mode: 'INCREMENTAL', since: watermark }));
    expect(items.map((i) => i.sku)).toEqual(['STK-0000200', ...drift.offers.filter((s) => s !== 'STK-0000200')]);
    const times = items.map((i) => i.remoteUpdatedAt?.getTime() ?? 0);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('reads the optional content fields, and reports no content for a storefront that sends none', async () => {
    const connector = createConnector(sim.account('sf-c'), QUICK_RETRIES);
    const { items } = await collectPages(connector.listProducts({ mode: 'SELECTIVE', skus: ['STK-0000007'] }));
    const offer = sim.catalog.get(sim.catalog.indexOfSku('STK-0000007')!);
    expect(items[0]!.content).toEqual({
      description: expect.stringContaining(offer.name),
      brand: offer.brand,
      category: expect.any(String),
      images: [expect.stringMatching(/^https:\/\/.+1\.jpg$/), expect.stringMatching(/2\.jpg$/)],
      barcodes: [offer.ean],
    });
    const bare = productSchema.parse({ id: 1, name: 'n', sku: 's', price: '1.00', stock: 1, updated_at: '2026-11-01T00:00:00Z' });
    expect(toListing(bare, 'RON').content).toBeUndefined();
  });
});
