/** Ozon orders: FBS and FBO postings, and status changes of older FBO postings through openOrderIds. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/index.js';
import { collectPages, QUICK_RETRIES } from '../../src/connectors/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { isFboOrder } from '../../src/simulators/ozon/index.js';
import { startOzonSeller } from '../../src/simulators/ozon/testing.js';

const postingNumber = (id: number) => `${70_000_000 + id}-0001-1`;

describe('Ozon orders', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startOzonSeller({}, { offers: 300, seed: 51, orders: 80 });
  });
  afterAll(() => sim.stop());

  it('lists FBO postings (Ozon-fulfilled) beside FBS ones', async () => {
    const connector = createConnector(sim.account('oz-orders-all'), QUICK_RETRIES);
    const { items } = await collectPages(connector.listOrders());
    const fbo = sim.orders.all().filter((o) => isFboOrder(o.id));
    expect(fbo.length).toBeGreaterThan(0);
    expect(items).toHaveLength(sim.orders.all().length);
    const order = items.find((o) => o.externalId === postingNumber(fbo[0]!.id))!;
    expect(order).toBeDefined();
    expect(order.items.map((line) => line.sku)).toEqual(fbo[0]!.lines.map((line) => sim.catalog.get(line.index).sku));
    expect(Number(order.total)).toBeGreaterThan(0);
  });

  it('re-reads open FBO postings older than the window and yields those whose status changed', async () => {
    const connector = createConnector(sim.account('oz-orders-open'), QUICK_RETRIES);
    const old = sim.orders.all().find((o) => isFboOrder(o.id) && o.status === 'new')!;
    expect(old).toBeDefined();
    const since = new Date(Date.now() - 1000);
    sim.orders.setStatus(old.id, 'shipped');
    const { items } = await collectPages(connector.listOrders({ since, openOrderIds: [postingNumber(old.id)] }));
    const changed = items.find((o) => o.externalId === postingNumber(old.id));
    expect(changed).toMatchObject({ status: 'SHIPPED', remoteStatus: 'delivering' });
  });

  it('resumes after the FBS pages with the FBO ones', async () => {
    const connector = createConnector(sim.account('oz-orders-resume'), QUICK_RETRIES);
    const first = await collectPages(connector.listOrders());
    const fbsPage = first.pages[0]!;
    expect(fbsPage.cursor).toEqual(expect.any(String));
    const rest = await collectPages(connector.listOrders({ startCursor: fbsPage.cursor! }));
    const fbo = sim.orders.all().filter((o) => isFboOrder(o.id)).map((o) => postingNumber(o.id));
    expect(rest.items.map((o) => o.externalId).sort()).toEqual(fbo.sort());
    expect(rest.pages[0]?.pageIndex).toBe(1);
  });
});
