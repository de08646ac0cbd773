/**
 * eMAG order lines name the seller's offer by `product_id` and its own code by `ext_part_number`
 * (`part_number` is the manufacturer's); `order/acknowledge` is opt-in per account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/index.js';
import { collectPages, QUICK_RETRIES } from '../../src/connectors/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';

const ACK = 'POST /api-3/order/acknowledge/:id';
const orderNumber = (id: number) => String(10_000_000 + id);

describe('eMAG order lines', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startFastSimulator('EMAG', { offers: 90, orders: 60, seed: 31 });
  });
  afterAll(() => sim.stop());

  it('carry the offer id and the seller code (ext_part_number), never the manufacturer part_number', async () => {
    const { items } = await collectPages(createConnector(sim.account('emag-lines'), QUICK_RETRIES).listOrders());
    let notOwned = 0;
    for (const order of sim.orders.all()) {
      const read = items.find((o) => o.externalId === orderNumber(order.id));
      expect(read?.items.map((i) => ({ sku: i.sku, externalProductId: i.externalProductId }))).toEqual(
        order.lines.map((line) => ({ sku: sim.catalog.get(line.index).sku, externalProductId: String(line.index + 1) })),
      );
      notOwned += order.lines.filter((line) => line.index % 3 === 2).length;
    }
    // Lines of products whose documentation the seller does not own (part_number != seller code).
    expect(notOwned).toBeGreaterThan(0);
  });
});

describe('eMAG order acknowledgement', () => {
  let sim: Simulator;
  let fbe: Simulator;
  beforeAll(async () => {
    sim = await startFastSimulator('EMAG', { offers: 90, orders: 60, seed: 32 });
    fbe = await startFastSimulator('EMAG', { offers: 90, orders: 30, seed: 32, fulfillment: 'FBE' });
  });
  afterAll(async () => {
    await sim.stop();
    await fbe.stop();
  });

  it('never acknowledges when acknowledgeOrders is off (the default)', async () => {
    const fresh = sim.orders.all().filter((o) => o.status === 'new').map((o) => o.id);
    expect(fresh.length).toBeGreaterThan(0);
    sim.resetStats();
    await collectPages(createConnector(sim.account('emag-ack-off'), QUICK_RETRIES).listOrders());
    await collectPages(createConnector({ ...sim.account('emag-ack-false'), options: { acknowledgeOrders: false } }, QUICK_RETRIES).listOrders());
    expect(sim.stats().byEndpoint[ACK]).toBeUndefined();
    expect(fresh.every((id) => sim.orders.get(id)?.status === 'new')).toBe(true);
  });

  it('acknowledges each new order it read exactly once when acknowledgeOrders is on', async () => {
    const fresh = sim.orders.all().filter((o) => o.status === 'new').map((o) => o.id);
    const account = { ...sim.account('emag-ack-on'), options: { acknowledgeOrders: true } };
    sim.resetStats();
    const first = await collectPages(createConnector(account, QUICK_RETRIES).listOrders());
    // The page handed over still shows them new (read before the acknowledgement)...
    expect(first.items.filter((o) => o.status === 'NEW').map((o) => o.externalId).sort()).toEqual(fresh.map(orderNumber).sort());
    // ...and eMAG moved every one of them to "in progress", one call each.
    expect(sim.stats().byEndpoint[ACK]?.requests).toBe(fresh.length);
    expect(fresh.every((id) => sim.orders.get(id)?.status === 'processing')).toBe(true);
    // Read again (also by a new connector): nothing new is left, nothing is acknowledged twice.
    const again = await collectPages(createConnector(account, QUICK_RETRIES).listOrders());
    expect(again.items.filter((o) => o.status === 'NEW')).toEqual([]);
    expect(sim.stats().byEndpoint[ACK]?.requests).toBe(fresh.length);
  });

  it('acknowledges only what the consumer took: an abandoned listing acknowledges nothing', async () => {
    sim.drift({ count: 0, orders: { created: 3, updated: 0 } });
    const fresh = sim.orders.all().filter((o) => o.status === 'new');
    expect(fresh.length).toBe(3);
    sim.resetStats();
    const pages = createConnector({ ...sim.account('emag-ack-abandon'), options: { acknowledgeOrders: true } }, QUICK_RETRIES).listOrders();
    for await (const page of pages) {
      expect(page.items.length).toBeGreaterThan(0);
      break; // the consumer failed to store the page
    }
    expect(sim.stats().byEndpoint[ACK]).toBeUndefined();
    expect(fresh.every((o) => o.status === 'new')).toBe(true);
  });

  it('an incremental listing also acknowledges orders still new from before (e.g. read while the option was off)', async () => {
    const old = await startFastSimulator('EMAG', { offers: 90, orders: 40, seed: 33 });
    try {
      const fresh = old.orders.all().filter((o) => o.status === 'new').map((o) => o.id);
      expect(fresh.length).toBeGreaterThan(0);
      // Nothing changed in the last minute: the modified window holds none of them.
      const since = new Date(Date.now() - 1000);
      const account = { ...old.account('emag-ack-sweep'), options: { acknowledgeOrders: true } };
      const { items } = await collectPages(createConnector(account, QUICK_RETRIES).listOrders({ since }));
      // Handed over first (so the app stores them), then acknowledged. One may come again in the
      // window, changed by its acknowledgement: same order, stored twice.
      expect([...new Set(items.map((o) => o.externalId))].sort()).toEqual(fresh.map(orderNumber).sort());
      expect(fresh.every((id) => old.orders.get(id)?.status === 'processing')).toBe(true);
      expect(old.stats().byEndpoint[ACK]?.requests).toBe(fresh.length);
    } finally {
      await old.stop();
    }
  });

  it('does not acknowledge FBE orders (eMAG allows it only for seller-fulfilled ones)', async () => {
    fbe.resetStats();
    await collectPages(createConnector({ ...fbe.account('emag-ack-fbe'), options: { acknowledgeOrders: true } }, QUICK_RETRIES).listOrders());
    expect(fbe.stats().byEndpoint[ACK]).toBeUndefined();
  });
});
