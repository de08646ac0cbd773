/**
 * The orders a Wildberries seller fulfils or watches (03-orders-fbs.yaml, 12-reports.yaml): new
 * assembly tasks however old (/api/v3/orders/new), status changes of open orders older than the
 * sync window (/api/v3/orders/status for ListOrdersQuery.openOrderIds), and FBW orders and
 * WB-held stock from the statistics API, kept apart from the seller's own warehouses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/index.js';
import { collectPages, QUICK_RETRIES } from '../../src/connectors/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { FAST_LIMITS, startFastSimulator } from '../../src/simulators/testing.js';
import { wildberriesControls } from '../../src/simulators/wildberries/index.js';

const fastStatistics = { limit: 50, periodMs: 1000, burst: 5 };
const DAY_MS = 86_400_000;
const wbOrderId = (simId: number) => String(4_000_000_000 + simId);

describe('Wildberries orders and WB-held stock', () => {
  let sim: Simulator;
  let accounts = 0;
  const connector = () => createConnector(sim.account(`wb-orders-${(accounts += 1)}`), QUICK_RETRIES);
  beforeAll(async () => {
    sim = await startFastSimulator('WILDBERRIES', {
      offers: 300,
      orders: 60,
      seed: 24,
      rateLimits: { ...FAST_LIMITS.WILDBERRIES, statisticsOrders: fastStatistics, statisticsStocks: fastStatistics },
    });
  });
  afterAll(() => sim.stop());

  it('lists new assembly tasks created before the window that the app does not hold', async () => {
    const since = new Date(Date.now() - 2 * DAY_MS);
    const [missed, held] = sim.orders.all().filter((o) => o.createdAt < since.getTime() - DAY_MS);
    sim.orders.setStatus(missed!.id, 'new');
    sim.orders.setStatus(held!.id, 'new');
    const { items } = await collectPages(connector().listOrders({ since, openOrderIds: [wbOrderId(held!.id)] }));
    expect(items.find((o) => o.externalId === wbOrderId(missed!.id))).toMatchObject({ status: 'NEW', remoteStatus: 'new/waiting' });
    expect(items.find((o) => o.externalId === wbOrderId(held!.id))).toBeUndefined(); // held and unchanged
    expect(new Set(items.map((o) => o.externalId)).size).toBe(items.length);
  });

  it('re-reads open orders older than the window and yields their current status', async () => {
    const since = new Date(Date.now() - 2 * DAY_MS);
    const old = sim.orders.all().filter((o) => o.createdAt < since.getTime() - DAY_MS && o.status !== 'new');
    const [cancelled, shipped] = old as [(typeof old)[number], (typeof old)[number]];
    sim.orders.setStatus(cancelled.id, 'cancelled');
    sim.orders.setStatus(shipped.id, 'shipped');
    const { items } = await collectPages(connector().listOrders({ since, openOrderIds: [wbOrderId(cancelled.id), wbOrderId(shipped.id), 'fbw:unknown'] }));
    expect(items.find((o) => o.externalId === wbOrderId(cancelled.id))).toMatchObject({ status: 'CANCELLED' });
    expect(items.find((o) => o.externalId === wbOrderId(shipped.id))).toMatchObject({ status: 'SHIPPED' });
  });

  it('lists FBW orders from the statistics API, without repeating the FBS ones it also reports', async () => {
    wildberriesControls(sim).fbwEvery = 50;
    try {
      const { items } = await collectPages(connector().listOrders());
      const fbw = items.filter((o) => o.externalId.startsWith('fbw:'));
      expect(fbw.length).toBe(6); // catalog indices 0, 50, …, 250
      expect(fbw.every((o) => o.remoteStatus.startsWith('fbw/') && o.currency === 'RUB' && o.items[0]?.sku.startsWith('STK-'))).toBe(true);
      expect(items.length - fbw.length).toBe(sim.orders.all().filter((o) => o.createdAt >= Date.now() - 30 * DAY_MS).length);
    } finally {
      wildberriesControls(sim).fbwEvery = 0;
    }
  });

  it('names an FBW line by its listing id even when no listing was read in this run (orders only)', async () => {
    wildberriesControls(sim).fbwEvery = 50;
    try {
      // A fresh connector knows no barcode: the line's size is found by a content search.
      const { items } = await collectPages(connector().listOrders());
      const fbw = items.filter((o) => o.externalId.startsWith('fbw:'));
      expect(fbw.length).toBe(6);
      for (const order of fbw) {
        const offer = sim.offer(order.items[0]!.sku)!;
        expect(order.items[0]!.externalProductId).toBe(offer.externalId);
      }
    } finally {
      wildberriesControls(sim).fbwEvery = 0;
    }
  });

  it('keeps WB-held stock under fbw: keys, out of the pushable stock, and refuses to push it', async () => {
    wildberriesControls(sim).fbwEvery = 50;
    try {
      const c = connector();
      const { items } = await collectPages(c.listProducts({ mode: 'FULL' }));
      const offer = sim.offer('STK-0000051')!;
      const listing = items.find((l) => l.sku === 'STK-0000051')!;
      const held = Object.keys(listing.stockByWarehouse).filter((k) => k.startsWith('fbw:'));
      expect(held.sort()).toEqual(['fbw:Коледино', 'fbw:Электросталь']);
      expect(listing.stock).toBe(offer.stock);
      const result = await c.pushStock([{ externalId: listing.externalId, stock: 1, warehouseId: 'fbw:Коледино' }]);
      expect(result[0]).toMatchObject({ ok: false, errorKind: 'VALIDATION' });
    } finally {
      wildberriesControls(sim).fbwEvery = 0;
    }
  });
});
