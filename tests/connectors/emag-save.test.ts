/**
 * `offer/save` answering `isError: true` does not mean nothing was saved: entries eMAG names in
 * its messages failed, the others were applied; when a message names no entry (a documentation
 * error), the connector re-reads the offers to tell.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/index.js';
import { QUICK_RETRIES } from '../../src/connectors/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';

const minorToDecimal = (minor: number) => (minor / 100).toFixed(2);

describe('eMAG offer/save answers', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startFastSimulator('EMAG', { offers: 60, orders: 20, seed: 41 });
  });
  afterAll(() => sim.stop());

  it('fails only the offer eMAG names; the others of the batch were applied and are ok', async () => {
    const connector = createConnector(sim.account('emag-save-named'), QUICK_RETRIES);
    const [first, second, third] = [10, 11, 12].map((index) => sim.catalog.get(index));
    const prices = [
      minorToDecimal(first!.basePriceMinor + 100),
      minorToDecimal(second!.basePriceMinor * 3), // above max_sale_price: refused
      minorToDecimal(third!.basePriceMinor - 100),
    ];
    const results = await connector.pushPrice([10, 11, 12].map((index, n) => ({ externalId: String(index + 1), price: prices[n]! })));
    expect(results[0]).toEqual({ ok: true });
    expect(results[1]).toMatchObject({ ok: false, error: expect.stringContaining('min_sale_price and max_sale_price') });
    expect(results[2]).toEqual({ ok: true });
    expect(sim.offer(first!.sku)?.price).toBe(prices[0]);
    expect(sim.offer(second!.sku)?.price).toBe(minorToDecimal(second!.basePriceMinor));
    expect(sim.offer(third!.sku)?.price).toBe(prices[2]);
  });

  it('an unknown offer id fails alone', async () => {
    const connector = createConnector(sim.account('emag-save-unknown'), QUICK_RETRIES);
    const results = await connector.pushStock([
      { externalId: '999999', stock: 4 },
      { externalId: '21', stock: 4 },
    ]);
    expect(results[0]).toMatchObject({ ok: false, error: expect.stringContaining('999999') });
    expect(results[1]).toEqual({ ok: true });
    expect(sim.offer('STK-0000021')?.stock).toBe(4);
  });

  it('a documentation error naming no offer: re-reads the offers and reports the applied ones ok', async () => {
    // Offer index 3 has rejected documentation: eMAG saves the change and answers isError.
    const connector = createConnector(sim.account('emag-save-doc'), QUICK_RETRIES);
    sim.resetStats();
    const results = await connector.pushStock([
      { externalId: '4', stock: 9 },
      { externalId: '5', stock: 8 },
    ]);
    expect(results).toEqual([{ ok: true }, { ok: true }]);
    expect(sim.offer('STK-0000004')?.stock).toBe(9);
    expect(sim.offer('STK-0000005')?.stock).toBe(8);
    expect(sim.stats().byEndpoint['POST /api-3/product_offer/read']?.requests).toBeGreaterThan(0);
  });
});
