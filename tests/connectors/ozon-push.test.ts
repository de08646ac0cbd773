/** Ozon writes as the spec has them: warehouses from /v1/warehouse/list, old_price gap, currency, results matched by id. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/index.js';
import { QUICK_RETRIES } from '../../src/connectors/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { startOzonSeller } from '../../src/simulators/ozon/testing.js';

/** What Ozon itself shows for a product's price (read straight from the simulator's /v5 method). */
async function ozonPrice(sim: Simulator, productId: string): Promise<{ price: number; old_price: number; currency_code: string }> {
  const response = await fetch(`${sim.url}/v5/product/info/prices`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'client-id': sim.credentials.clientId!, 'api-key': sim.credentials.apiKey! },
    body: JSON.stringify({ cursor: '', filter: { product_id: [productId] }, limit: 1 }),
  });
  const body = (await response.json()) as { items: Array<{ price: { price: number; old_price: number; currency_code: string } }> };
  return body.items[0]!.price;
}

let accounts = 0;
const connectorFor = (sim: Simulator, options: Record<string, unknown> = {}) =>
  createConnector({ ...sim.account(`oz-push-${(accounts += 1)}`), options }, QUICK_RETRIES);

describe('Ozon stock pushes', () => {
  let one: Simulator;
  let two: Simulator;
  beforeAll(async () => {
    [one, two] = await Promise.all([startOzonSeller({ warehouses: 1 }, { offers: 200, seed: 31 }), startOzonSeller({ warehouses: 2 }, { offers: 200, seed: 32 })]);
  });
  afterAll(() => Promise.all([one.stop(), two.stop()]));

  it('pushes to the only FBS warehouse with no defaultWarehouseId configured', async () => {
    const offer = one.offer('STK-0000010')!;
    expect(await connectorFor(one).pushStock([{ externalId: offer.externalId, stock: 17 }])).toEqual([{ ok: true }]);
    expect(Object.values(one.offer('STK-0000010')!.stockByWarehouse)).toEqual([17]);
  });

  it('with several FBS warehouses, asks per item for a warehouseId or the defaultWarehouseId option', async () => {
    const offer = two.offer('STK-0000011')!;
    const [second] = Object.keys(offer.stockByWarehouse).slice(1);
    const results = await connectorFor(two).pushStock([
      { externalId: offer.externalId, stock: 4 },
      { externalId: offer.externalId, stock: 5, warehouseId: second },
    ]);
    expect(results[0]).toMatchObject({ ok: false, errorKind: 'VALIDATION', error: expect.stringMatching(/2 FBS warehouses.*defaultWarehouseId/) });
    expect(results[1]).toEqual({ ok: true });
  });

  it('matches results by product and warehouse, not by position (Ozon promises no order)', async () => {
    const good = two.offer('STK-0000012')!;
    const warehouseId = Object.keys(good.stockByWarehouse)[0]!;
    const results = await connectorFor(two).pushStock([
      { externalId: good.externalId, stock: 9, warehouseId },
      { externalId: '200999999', stock: 9, warehouseId },
    ]);
    expect(results[0]).toEqual({ ok: true });
    expect(results[1]).toMatchObject({ ok: false, error: expect.stringContaining('offer_id_not_found') });
  });

  it('names the product by product_id alone when known (with both, Ozon applies offer_id)', async () => {
    const offer = two.offer('STK-0000013')!;
    const warehouseId = Object.keys(offer.stockByWarehouse)[0]!;
    // The seller renamed the article on Ozon since the last sync: the stored sku is stale.
    const results = await connectorFor(two).pushStock([{ externalId: offer.externalId, sku: 'STK-OLD-13', stock: 2, warehouseId }]);
    expect(results).toEqual([{ ok: true }]);
  });
});

describe('Ozon default warehouse: only `created` is active (spec /v1/warehouse/list status)', () => {
  let activating: Simulator;
  let broken: Simulator;
  beforeAll(async () => {
    [activating, broken] = await Promise.all([
      startOzonSeller({ warehouses: 3, warehouseStatuses: ['created', 'new', 'disabled_due_to_limit'] }, { offers: 50, seed: 33 }),
      startOzonSeller({ warehouses: 1, warehouseStatuses: ['error'] }, { offers: 50, seed: 34 }),
    ]);
  });
  afterAll(() => Promise.all([activating.stop(), broken.stop()]));

  it('pushes to the one active warehouse beside an activating and a paused one', async () => {
    const offer = activating.offer('STK-0000005')!;
    expect(await connectorFor(activating).pushStock([{ externalId: offer.externalId, stock: 4 }])).toEqual([{ ok: true }]);
  });

  it('sends nothing to a warehouse in status error: the item fails and says so', async () => {
    const offer = broken.offer('STK-0000005')!;
    const results = await connectorFor(broken).pushStock([{ externalId: offer.externalId, stock: 4 }]);
    expect(results[0]).toMatchObject({ ok: false, error: expect.stringMatching(/no active FBS\/rFBS warehouse/) });
  });
});

describe('Ozon price pushes', () => {
  let rub: Simulator;
  let cny: Simulator;
  beforeAll(async () => {
    [rub, cny] = await Promise.all([
      startOzonSeller({}, { offers: 200, seed: 41 }),
      // Offers 23 and 25 (STK-0000024, STK-0000026) show an empty currency_code in /v5/product/info/prices.
      startOzonSeller({ currency: 'CNY', blankPriceCurrency: [23, 25] }, { offers: 200, seed: 42 }),
    ]);
  });
  afterAll(() => Promise.all([rub.stop(), cny.stop()]));

  it('keeps old_price when the new price stays below it by the minimum gap', async () => {
    const offer = rub.offer('STK-0000020')!;
    const before = await ozonPrice(rub, offer.externalId);
    const price = (Math.floor(before.old_price * 0.8 * 100) / 100).toFixed(2);
    expect(await connectorFor(rub).pushPrice([{ externalId: offer.externalId, price }])).toEqual([{ ok: true }]);
    expect(await ozonPrice(rub, offer.externalId)).toMatchObject({ price: Number(price), old_price: before.old_price });
  });

  it('clears old_price ("0") when the new price would come within the minimum gap of it or above it', async () => {
    const offer = rub.offer('STK-0000021')!;
    const before = await ozonPrice(rub, offer.externalId);
    const price = `${before.old_price - 1}.00`;
    expect(await connectorFor(rub).pushPrice([{ externalId: offer.externalId, price }])).toEqual([{ ok: true }]);
    expect(await ozonPrice(rub, offer.externalId)).toMatchObject({ price: Number(price), old_price: 0 });
  });

  it("sends the seller's settlement currency (Ozon assumes RUB when currency_code is omitted)", async () => {
    const offer = cny.offer('STK-0000022')!;
    const before = await ozonPrice(cny, offer.externalId);
    const price = (Math.floor(before.old_price * 0.8 * 100) / 100).toFixed(2);
    expect(await connectorFor(cny).pushPrice([{ externalId: offer.externalId, price }])).toEqual([{ ok: true }]);
    expect(cny.offer('STK-0000022')?.price).toBe(price);
  });

  it("a current price without currency_code fails no other item: it takes the seller's currency the batch shows", async () => {
    const blank = cny.offer('STK-0000024')!;
    const other = cny.offer('STK-0000025')!;
    const prices = await Promise.all([blank, other].map(async (offer) => (Math.floor((await ozonPrice(cny, offer.externalId)).old_price * 0.8 * 100) / 100).toFixed(2)));
    const results = await connectorFor(cny).pushPrice([
      { externalId: blank.externalId, price: prices[0]! },
      { externalId: other.externalId, price: prices[1]! },
    ]);
    expect(results).toEqual([{ ok: true }, { ok: true }]);
    expect(cny.offer('STK-0000024')?.price).toBe(prices[0]);
  });

  it('with no currency known for the seller, only the item without one fails, and says why', async () => {
    const blank = cny.offer('STK-0000026')!;
    const results = await connectorFor(cny).pushPrice([{ externalId: blank.externalId, price: '100.00' }, { externalId: '200999998', price: '100.00' }]);
    expect(results[0]).toMatchObject({ ok: false, errorKind: 'VALIDATION', error: expect.stringMatching(/currency_code/) });
    expect(results[1]).toMatchObject({ ok: false, error: expect.stringContaining('NOT_FOUND') });
  });

  it('matches results by product, not by position', async () => {
    const good = rub.offer('STK-0000023')!;
    const before = await ozonPrice(rub, good.externalId);
    const price = (Math.floor(before.old_price * 0.8 * 100) / 100).toFixed(2);
    const results = await connectorFor(rub).pushPrice([
      { externalId: good.externalId, price },
      { externalId: '200999999', price },
    ]);
    expect(results[0]).toEqual({ ok: true });
    expect(results[1]).toMatchObject({ ok: false, error: expect.stringContaining('NOT_FOUND') });
  });
});
