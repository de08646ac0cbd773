/** The seeded catalog and order book: determinism, laziness at 1M, drift, update-ordered views. */
import { describe, expect, it } from 'vitest';
import { Catalog, decimalToMinor, minorToDecimal, skuOf } from '../../src/simulators/shared/catalog.js';
import { OrderBook } from '../../src/simulators/shared/orders.js';

const make = (size: number, seed = 1) =>
  new Catalog({ seed, size, warehouses: 2, baseTime: Date.UTC(2025, 0, 1), priceRange: [1_000, 100_000] });

describe('Catalog', () => {
  it('is deterministic per seed and differs between seeds', () => {
    expect(make(100).get(42)).toEqual(make(100).get(42));
    expect(make(100, 2).get(42).priceMinor).not.toBe(make(100, 1).get(42).priceMinor);
    expect(make(100).get(42).sku).toBe('STK-0000043');
  });

  it('serves a 1,000,000-offer catalog without generating it up front', () => {
    const started = performance.now();
    const catalog = make(1_000_000);
    const last = catalog.get(999_999);
    expect(last.sku).toBe('STK-1000000');
    expect(catalog.indexOfSku('STK-1000000')).toBe(999_999);
    expect(catalog.indexOfSku('STK-1000001')).toBeUndefined();
    expect(catalog.indexOfSku('nope')).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(200);
    expect(() => make(1_000_001)).toThrow();
  });

  it('drifts the requested number of offers, stamping them with the drift time', () => {
    const catalog = make(1_000);
    const at = Date.now();
    const changed = catalog.drift({ count: 25 }, at);
    expect(new Set(changed).size).toBe(25);
    for (const index of changed) {
      const offer = catalog.get(index);
      expect(offer.updatedAt).toBe(at);
      const fresh = make(1_000).get(index);
      expect(offer.priceMinor !== fresh.priceMinor || offer.stock.some((s, w) => s !== fresh.stock[w])).toBe(true);
      // Bounded around the generated price.
      expect(offer.priceMinor).toBeGreaterThanOrEqual(Math.ceil(offer.basePriceMinor / 2));
      expect(offer.priceMinor).toBeLessThanOrEqual(offer.basePriceMinor * 2);
    }
    expect(catalog.drift({ fraction: 0.1 }).length).toBe(100);
  });

  it('orders an updated-since view by (updatedAt, index) with untouched offers first', () => {
    const catalog = make(50);
    catalog.update(10, { stock: [1, 1] }, Date.UTC(2025, 5, 2));
    catalog.update(3, { stock: [2, 2] }, Date.UTC(2025, 5, 1));
    const all = catalog.updatedView(undefined);
    expect(all.count).toBe(50);
    const order = all.slice(0, 50).map((o) => o.index);
    expect(order.slice(-2)).toEqual([3, 10]);
    expect(order.slice(0, 4)).toEqual([0, 1, 2, 4]);
    expect(new Set(order).size).toBe(50);
    // Paging through the view visits each offer once.
    const paged = [0, 7, 14, 21, 28, 35, 42, 49].flatMap((offset) => all.slice(offset, 7).map((o) => o.index));
    expect(paged).toEqual(order);
    const recent = catalog.updatedView(Date.UTC(2025, 4, 1));
    expect(recent.count).toBe(2);
    expect(recent.slice(0, 10).map((o) => o.index)).toEqual([3, 10]);
  });

  it('converts between minor units and decimals', () => {
    expect(minorToDecimal(4201)).toBe('42.01');
    expect(minorToDecimal(5, 4)).toBe('0.0500');
    expect(decimalToMinor('42.0100')).toBe(4201);
    expect(decimalToMinor(19.9)).toBe(1990);
    expect(decimalToMinor('1.005')).toBeUndefined();
    expect(decimalToMinor('-1')).toBeUndefined();
    expect(skuOf(0)).toBe('STK-0000001');
  });
});

describe('OrderBook', () => {
  it('generates orders in time order and drifts new and advanced ones', () => {
    const catalog = make(200);
    const now = Date.now();
    const book = new OrderBook({ seed: 1, count: 30, catalog, now, spanMs: 10 * 86_400_000 });
    const all = book.all();
    expect(all).toHaveLength(30);
    expect(all.every((o, i) => i === 0 || o.createdAt >= (all[i - 1]?.createdAt ?? 0))).toBe(true);
    expect(all.every((o) => o.lines.length > 0 && o.updatedAt <= now)).toBe(true);
    const { created, updated } = book.drift({ created: 2, updated: 3 }, now + 1000);
    expect(created).toEqual([31, 32]);
    expect(updated).toHaveLength(3);
    for (const id of updated) expect(book.get(id)?.updatedAt).toBe(now + 1000);
  });
});
