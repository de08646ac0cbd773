/** The Ozon simulator's answers where the spec constrains them and no connector test reads them directly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulators/index.js';
import { startOzonSeller } from '../../src/simulators/ozon/testing.js';

describe('Ozon simulator wire', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startOzonSeller({ warehouses: 2 }, { offers: 100, seed: 71, orders: 40 });
  });
  afterAll(() => sim.stop());

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'client-id': sim.credentials.clientId!, 'api-key': sim.credentials.apiKey! },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it('answers /v4/product/info/stocks per warehouse type, listing every warehouse that held the item', async () => {
    const offer = sim.offer('STK-0000001')!;
    const { body } = await post('/v4/product/info/stocks', { cursor: '', filter: { product_id: [offer.externalId] }, limit: 1 });
    const stocks = body.items[0].stocks as Array<{ type: string; present: number; reserved: number; warehouse_ids: string[] }>;
    expect(stocks.map((s) => s.type)).toEqual(['fbs', 'fbo']);
    expect(stocks[0]!.warehouse_ids).toEqual(Object.keys(offer.stockByWarehouse));
    expect(stocks[0]!.present - stocks[0]!.reserved).toBe(offer.stock);
  });

  it('answers /v2/posting/fbo/list with `result` as the array of postings and no has_next', async () => {
    const { body } = await post('/v2/posting/fbo/list', {
      dir: 'ASC',
      filter: { since: new Date(Date.now() - 300 * 86_400_000).toISOString(), to: new Date().toISOString() },
      limit: 5,
      offset: 0,
    });
    expect(Array.isArray(body.result)).toBe(true);
    expect(body.result.length).toBeGreaterThan(0);
    expect(body).not.toHaveProperty('has_next');
  });

  it('refuses a price too close to old_price, accepts it with old_price "0", and refuses a foreign currency', async () => {
    const offer = sim.offer('STK-0000002')!;
    const current = (await post('/v5/product/info/prices', { cursor: '', filter: { product_id: [offer.externalId] }, limit: 1 })).body.items[0].price;
    const price = String(current.old_price - 1);
    const refused = await post('/v1/product/import/prices', { prices: [{ product_id: Number(offer.externalId), price }] });
    expect(refused.body.result[0]).toMatchObject({ updated: false, errors: [{ code: 'INVALID_PRICE_DIFFERENCE' }] });
    const cleared = await post('/v1/product/import/prices', { prices: [{ product_id: Number(offer.externalId), price, old_price: '0', currency_code: 'RUB' }] });
    expect(cleared.body.result[0]).toMatchObject({ updated: true });
    const foreign = await post('/v1/product/import/prices', { prices: [{ product_id: Number(offer.externalId), price, currency_code: 'CNY' }] });
    expect(foreign.body.result[0]).toMatchObject({ updated: false, errors: [{ code: 'CURRENCY_IS_NOT_VALID' }] });
  });

  it('answers 403 "missing a required role" for a family the key has no role for', async () => {
    const limited = await startOzonSeller({ deniedFamilies: ['warehouses'] }, { offers: 10, seed: 72 });
    try {
      const response = await fetch(`${limited.url}/v1/warehouse/list`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'client-id': limited.credentials.clientId!, 'api-key': limited.credentials.apiKey! },
        body: '{}',
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: 7, message: 'Api-Key is missing a required role for a method' });
    } finally {
      await limited.stop();
    }
  });
});
