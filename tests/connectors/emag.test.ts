/** eMAG specifics: FBE vs MAIN order types, computed order totals, save batches, order windows. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emagChannel } from '../../src/connectors/emag/channel.js';
import { createConnector } from '../../src/connectors/index.js';
import { collectPages, QUICK_RETRIES } from '../../src/connectors/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';

describe('eMAG connector', () => {
  let main: Simulator;
  let fbe: Simulator;
  beforeAll(async () => {
    main = await startFastSimulator('EMAG', { offers: 300, orders: 150, seed: 5 });
    fbe = await startFastSimulator('EMAG', { offers: 300, orders: 40, seed: 5, fulfillment: 'FBE' });
  });
  afterAll(async () => {
    await main.stop();
    await fbe.stop();
  });

  it('declares that offers cannot be listed by modification time', () => {
    const connector = createConnector(main.account(), QUICK_RETRIES);
    expect(connector.capabilities.supportsModifiedSince).toBe(false);
    expect(connector.capabilities.rateLimits.orders).toEqual({ limit: 200, periodMs: 1000 });
  });

  it('reads FBE orders with type=2: an FBE account sees them, a MAIN-configured one does not', async () => {
    const asFbe = await collectPages(createConnector(fbe.account('emag-fbe-1'), QUICK_RETRIES).listOrders());
    expect(asFbe.items).toHaveLength(40);
    const asMain = await collectPages(createConnector({ ...fbe.account('emag-fbe-2'), fulfillment: 'MAIN' }, QUICK_RETRIES).listOrders());
    expect(asMain.items).toHaveLength(0);
  });

  it('refuses stock pushes for FBE accounts, item by item', async () => {
    const results = await createConnector(fbe.account('emag-fbe-3'), QUICK_RETRIES).pushStock([{ externalId: '1', stock: 3 }]);
    expect(results).toEqual([{ ok: false, error: expect.stringContaining('FBE'), errorKind: 'VALIDATION' }]);
  });

  it('computes order totals: lines with VAT, plus shipping, plus vouchers', async () => {
    const connector = createConnector(main.account('emag-totals'), QUICK_RETRIES);
    const { items } = await collectPages(connector.listOrders());
    const simOrder = main.orders.all().find((o) => o.id % 15 === 0 && o.lines.length > 0);
    expect(simOrder).toBeDefined();
    const order = items.find((o) => o.externalId === String(10_000_000 + (simOrder?.id ?? 0)));
    // Gross lines + 15.99 shipping − 10.00 voucher; VAT rounding may move each line by a cent.
    const gross = (simOrder?.lines ?? []).reduce((sum, line) => sum + line.priceMinor * line.quantity, 0) + 1599 - 1000;
    expect(Math.abs(Math.round(Number(order?.total) * 100) - gross)).toBeLessThanOrEqual(3 * (simOrder?.lines.length ?? 1));
    expect(order?.customer.name).toBe(simOrder?.customer.name);
  });

  it('reads orders modified since a watermark in windows of at most a month', async () => {
    const connector = createConnector(main.account('emag-windows'), QUICK_RETRIES);
    main.resetStats();
    const { items } = await collectPages(connector.listOrders({ since: new Date(Date.now() - 70 * 86_400_000) }));
    expect(items).toHaveLength(main.orders.all().length);
    expect(main.stats().byEndpoint['POST /api-3/order/read']?.requests).toBeGreaterThanOrEqual(3);
  });

  it('saves stock in offer/save batches of at most 50', async () => {
    const connector = createConnector(main.account('emag-batches'), QUICK_RETRIES);
    main.resetStats();
    const updates = Array.from({ length: 120 }, (_, n) => ({ externalId: String(n + 1), stock: 7 }));
    const results = await connector.pushStock(updates);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(main.stats().byEndpoint['POST /api-3/offer/save']?.requests).toBe(3);
    expect(main.offer('STK-0000120')?.stock).toBe(7);
  });

  it('reads offers in pages of the account pageSize (eMAG allows at most 100)', async () => {
    const connector = createConnector({ ...main.account('emag-page-size'), options: { pageSize: 40 } }, QUICK_RETRIES);
    main.resetStats();
    const { items, pages } = await collectPages(connector.listProducts({ mode: 'FULL' }));
    expect(items).toHaveLength(300);
    expect(pages).toHaveLength(8);
    expect(main.stats().byEndpoint['POST /api-3/product_offer/read']?.requests).toBe(8);
    expect(emagChannel.options.safeParse({ pageSize: 200 }).error?.issues[0]?.message).toBe('pageSize is at most 100 on eMAG');
  });

  it('reads a few SKUs one part_number at a time', async () => {
    const connector = createConnector(main.account('emag-selective'), QUICK_RETRIES);
    main.resetStats();
    const { items } = await collectPages(connector.listProducts({ mode: 'SELECTIVE', skus: ['STK-0000002', 'STK-0000003'] }));
    expect(items.map((i) => i.sku)).toEqual(['STK-0000002', 'STK-0000003']);
    expect(main.stats().byEndpoint['POST /api-3/product_offer/read']?.requests).toBe(2);
  });
});
