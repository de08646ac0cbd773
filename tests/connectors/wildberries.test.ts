/** Wildberries specifics: whole prices, warehouses, per-host base URLs, assembly tasks. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/index.js';
import { collectPages, QUICK_RETRIES } from '../../src/connectors/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';

describe('Wildberries connector', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startFastSimulator('WILDBERRIES', { offers: 300, seed: 13 });
  });
  afterAll(() => sim.stop());

  it('takes one base URL per host', async () => {
    const account = sim.account('wb-hosts');
    const connector = createConnector({ ...account, baseUrl: 'http://127.0.0.1:9', options: { hosts: { content: sim.url, prices: sim.url, marketplace: sim.url, statistics: sim.url } } }, QUICK_RETRIES);
    const { items } = await collectPages(connector.listProducts({ mode: 'SELECTIVE', skus: ['STK-0000004'] }));
    expect(items).toHaveLength(1);
    expect(items[0]?.externalId).toBe(sim.offer('STK-0000004')?.externalId);
  });

  it('paces to the spec limits of a personal token, and to an account override (e.g. a base token)', () => {
    const real = createConnector({ id: 'wb-limits', channel: 'WILDBERRIES', baseUrl: 'https://marketplace-api.wildberries.ru', credentials: { token: 't' } });
    expect(real.capabilities.rateLimits).toMatchObject({
      content: { limit: 100, periodMs: 60_000 },
      prices: { limit: 10, periodMs: 6_000 },
      stocks: { limit: 300, periodMs: 60_000 },
      orders: { limit: 300, periodMs: 60_000 },
      statisticsOrders: { limit: 1, periodMs: 60_000 },
      statisticsStocks: { limit: 1, periodMs: 60_000 },
    });
    const base = createConnector({
      id: 'wb-limits-base',
      channel: 'WILDBERRIES',
      baseUrl: 'https://marketplace-api.wildberries.ru',
      credentials: { token: 't' },
      rateLimits: { content: { limit: 20, periodMs: 60_000 }, statisticsOrders: { limit: 1, periodMs: 120_000 } },
    });
    expect(base.capabilities.rateLimits).toMatchObject({ content: { limit: 20, periodMs: 60_000 }, statisticsOrders: { limit: 1, periodMs: 120_000 } });
  });

  it('needs a warehouse when the seller has several, unless a default is configured', async () => {
    const offer = sim.offer('STK-0000011')!;
    const plain = createConnector(sim.account('wb-wh-1'), QUICK_RETRIES);
    expect((await plain.pushStock([{ externalId: offer.externalId, stock: 3 }]))[0]).toMatchObject({ ok: false });
    const warehouseId = Object.keys(offer.stockByWarehouse)[1] as string;
    const withDefault = createConnector({ ...sim.account('wb-wh-2'), options: { defaultWarehouseId: warehouseId } }, QUICK_RETRIES);
    expect(await withDefault.pushStock([{ externalId: offer.externalId, stock: 3 }])).toEqual([{ ok: true }]);
    expect(sim.offer('STK-0000011')?.stockByWarehouse[warehouseId]).toBe(3);
  });

  it('pushes whole prices only, and treats pushing the price already set as success', async () => {
    const connector = createConnector(sim.account('wb-prices'), QUICK_RETRIES);
    const offer = sim.offer('STK-0000012')!;
    const price = String(Math.round(Number(offer.price)) + 5);
    expect((await connector.pushPrice([{ externalId: offer.externalId, price: '100.50' }]))[0]).toMatchObject({ ok: false, errorKind: 'VALIDATION' });
    expect(await connector.pushPrice([{ externalId: offer.externalId, price }])).toEqual([{ ok: true }]);
    expect(await connector.pushPrice([{ externalId: offer.externalId, price: `${price}.00` }])).toEqual([{ ok: true }]);
    expect(sim.offer('STK-0000012')?.price).toBe(`${price}.00`);
  });

  it('maps assembly tasks (kopecks, numeric currency, separate statuses) to orders', async () => {
    const connector = createConnector(sim.account('wb-orders'), QUICK_RETRIES);
    const { items } = await collectPages(connector.listOrders());
    expect(items.length).toBe(sim.orders.all().length);
    for (const order of items.slice(0, 20)) {
      expect(order.currency).toBe('RUB');
      expect(order.items).toHaveLength(1);
      expect(order.remoteStatus).toMatch(/^(new|confirm|complete|cancel)\//);
    }
  });
});
