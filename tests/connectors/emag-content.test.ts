/**
 * Listing content from `product_offer/read` (description, brand, category, images, EANs) and the
 * reasons eMAG refuses an offer (validation statuses, their feedback, doc_errors).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector, type RemoteListing } from '../../src/connectors/index.js';
import { collectPages, QUICK_RETRIES } from '../../src/connectors/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';

describe('eMAG listing content and rejection reasons', () => {
  let sim: Simulator;
  let bySku: Map<string, RemoteListing>;
  beforeAll(async () => {
    sim = await startFastSimulator('EMAG', { offers: 40, orders: 20, seed: 51 });
    sim.catalog.update(5, { status: 'inactive' }); // eMAG answers an inactive offer's price check with "Invalid price"
    const { items } = await collectPages(createConnector(sim.account('emag-content'), QUICK_RETRIES).listProducts({ mode: 'FULL' }));
    bySku = new Map(items.map((i) => [i.sku, i]));
  });
  afterAll(() => sim.stop());

  it('reads description, brand, category, images (main first) and EANs', () => {
    const offer = sim.catalog.get(0);
    expect(bySku.get(offer.sku)?.content).toEqual({
      description: `<p>${offer.name} by ${offer.brand}</p>`,
      brand: offer.brand,
      category: '500',
      images: [`https://images.example.test/${offer.sku}.jpg`, `https://images.example.test/${offer.sku}-back.jpg`],
      barcodes: [offer.ean],
    });
  });

  it('reports no reasons for an approved, saleable offer', () => {
    const approved = [...Array(40).keys()].map((i) => sim.catalog.get(i)).find((o) => o.status === 'active' && o.index % 10 !== 3 && o.index % 10 !== 7);
    expect(bySku.get(approved!.sku)?.rejectionReasons).toEqual([]);
  });

  it('reports rejected documentation with its feedback, and a rejected brand', () => {
    expect(bySku.get(sim.catalog.get(3).sku)?.rejectionReasons).toEqual(
      expect.arrayContaining(['Documentation rejected: Main image must have a white background']),
    );
    expect(bySku.get(sim.catalog.get(7).sku)?.rejectionReasons).toEqual(expect.arrayContaining(['Rejected Brand']));
  });

  it('reports an offer whose price eMAG did not validate', () => {
    expect(bySku.get(sim.catalog.get(5).sku)?.rejectionReasons).toEqual(expect.arrayContaining(['Invalid price']));
  });
});
