/**
 * A marketplace listing orders "changed since" may not show status changes of older orders; the
 * orders sync therefore tells the connector which orders Stockline still holds open, so the
 * connectors that need to (Wildberries, Ozon) re-read them.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount } from '../helpers/catalog.js';
import { syncNow } from '../helpers/sync.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { StorefrontConnector } from '../../src/connectors/storefront/connector.js';
import type { ListOrdersQuery } from '../../src/connectors/index.js';

let t: TestApp;
let sim: Simulator;

beforeAll(async () => {
  t = await startTestApp();
  sim = await startFastSimulator('STOREFRONT', { offers: 10, orders: 30, seed: 5 });
});
afterAll(async () => {
  await t?.close();
  await sim?.stop();
});

describe('open orders', () => {
  it("passes the account's open orders (not delivered, cancelled or returned), most recent first, to the connector", async () => {
    const accountId = await createSimAccount(t, sim, 'open orders shop');
    expect(await syncNow(t, accountId, { scope: 'ORDERS', mode: 'FULL' })).toMatchObject({ status: 'SUCCESS', created: 30 });
    const prisma = t.app.services.prisma;
    const all = await prisma.order.findMany({ where: { accountId }, orderBy: [{ placedAt: 'desc' }, { id: 'asc' }], select: { id: true, externalId: true } });
    // Closed on the marketplace: never re-read. A user's local status does not decide it.
    const closed = all.slice(0, 3);
    for (const [i, status] of (['DELIVERED', 'CANCELLED', 'RETURNED'] as const).entries()) {
      await prisma.order.update({ where: { id: closed[i]!.id }, data: { remoteOrderStatus: status } });
    }
    await prisma.order.updateMany({ where: { id: all[3]!.id }, data: { remoteOrderStatus: 'SHIPPED', status: 'DELIVERED' } });

    // As they stand when the sync starts (it may then change some).
    const open = await prisma.order.findMany({
      where: { accountId, remoteOrderStatus: { notIn: ['DELIVERED', 'CANCELLED', 'RETURNED'] } },
      orderBy: [{ placedAt: 'desc' }, { id: 'asc' }],
      select: { externalId: true },
    });
    expect(open.length).toBeGreaterThan(0);
    const queries: ListOrdersQuery[] = [];
    const original = StorefrontConnector.prototype.listOrders;
    const spy = vi.spyOn(StorefrontConnector.prototype, 'listOrders').mockImplementation(function (this: StorefrontConnector, query?: ListOrdersQuery) {
      queries.push(query ?? {});
      return original.call(this, query);
    });
    try {
      expect(await syncNow(t, accountId, { scope: 'ORDERS', mode: 'INCREMENTAL' })).toMatchObject({ status: 'SUCCESS' });
    } finally {
      spy.mockRestore();
    }
    expect(queries).toHaveLength(1);
    expect(queries[0]!.openOrderIds).toEqual(open.map((o) => o.externalId));
    expect(queries[0]!.openOrderIds).not.toContain(closed[0]!.externalId);
    expect(queries[0]!.openOrderIds).toContain(all[3]!.externalId);
  });
});
