/**
 * Wildberries price uploads as the prices API answers them (02-products.yaml, /api/v2/upload/task
 * and /api/v2/history/*): unchanged prices are a 400 no-op, a pending identical upload is a 208,
 * and a 200 only accepts a task whose per-item outcome (quarantine included) comes later.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/index.js';
import { QUICK_RETRIES } from '../../src/connectors/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { FAST_LIMITS, startFastSimulator } from '../../src/simulators/testing.js';
import { wildberriesControls } from '../../src/simulators/wildberries/index.js';

const fastStatistics = { limit: 50, periodMs: 1000, burst: 5 };

describe('Wildberries price push', () => {
  let sim: Simulator;
  let accounts = 0;
  const connector = () => createConnector(sim.account(`wb-price-${(accounts += 1)}`), QUICK_RETRIES);
  beforeAll(async () => {
    sim = await startFastSimulator('WILDBERRIES', {
      offers: 200,
      seed: 21,
      rateLimits: { ...FAST_LIMITS.WILDBERRIES, statisticsOrders: fastStatistics, statisticsStocks: fastStatistics },
    });
  });
  afterAll(() => sim.stop());

  it('treats "prices already set" (HTTP 400) as a no-op success', async () => {
    const offer = sim.offer('STK-0000020')!;
    expect(await connector().pushPrice([{ externalId: offer.externalId, price: offer.price }])).toEqual([{ ok: true }]);
  });

  it('reports success only once the task is processed, and the price is then in place', async () => {
    wildberriesControls(sim).priceTaskDelayMs = 1_200;
    try {
      const offer = sim.offer('STK-0000021')!;
      const price = String(Math.round(Number(offer.price)) + 7);
      expect(await connector().pushPrice([{ externalId: offer.externalId, price }])).toEqual([{ ok: true }]);
      expect(sim.offer('STK-0000021')?.price).toBe(`${price}.00`);
    } finally {
      wildberriesControls(sim).priceTaskDelayMs = 0;
    }
  });

  it('confirms the existing task when WB answers 208 (the same upload is pending)', async () => {
    wildberriesControls(sim).priceTaskDelayMs = 1_000;
    try {
      const offer = sim.offer('STK-0000022')!;
      const price = String(Math.round(Number(offer.price)) + 11);
      const [first, second] = await Promise.all([
        connector().pushPrice([{ externalId: offer.externalId, price }]),
        connector().pushPrice([{ externalId: offer.externalId, price }]),
      ]);
      expect(first).toEqual([{ ok: true }]);
      expect(second).toEqual([{ ok: true }]);
      expect(sim.offer('STK-0000022')?.price).toBe(`${price}.00`);
    } finally {
      wildberriesControls(sim).priceTaskDelayMs = 0;
    }
  });

  it('reports a quarantined price cut (3x or more) on its own item and the rest as applied', async () => {
    const cut = sim.offer('STK-0000023')!;
    const fine = sim.offer('STK-0000024')!;
    const cutTo = String(Math.floor(Number(cut.price) / 4));
    const fineTo = String(Math.round(Number(fine.price)) + 3);
    const results = await connector().pushPrice([
      { externalId: cut.externalId, price: cutTo },
      { externalId: fine.externalId, price: fineTo },
    ]);
    expect(results[0]).toMatchObject({ ok: false, errorKind: 'REMOTE', error: expect.stringContaining('Quarantine') });
    expect(results[1]).toEqual({ ok: true });
    expect(sim.offer('STK-0000023')?.price).toBe(cut.price);
    expect(sim.offer('STK-0000024')?.price).toBe(`${fineTo}.00`);
  });
});

describe('Wildberries price confirmation on statuses the spec does not list', () => {
  // TaskStatus (02-products.yaml) lists only 3, 4, 5, 6 for a processed upload; the buffer's "1 —
  // in processing" shows others exist. A stub prices host answers 1 twice, then 6 (all failed).
  let reads = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    res.writeHead(200, { 'content-type': 'application/json' });
    if (url.pathname === '/api/v2/upload/task') res.end(JSON.stringify({ data: { id: 77, alreadyExists: false }, error: false, errorText: '' }));
    else if (url.pathname === '/api/v2/history/tasks') {
      reads += 1;
      res.end(JSON.stringify({ data: { uploadID: 77, status: reads <= 2 ? 1 : 6, overAllGoodsNumber: 1, successGoodsNumber: 0 }, error: false, errorText: '' }));
    } else res.end(JSON.stringify({ data: { uploadID: 77, historyGoods: [] }, error: false, errorText: '' }));
  });
  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('keeps polling until the task is processed (3–6), and does not report an unconfirmed price as applied', async () => {
    const { port } = server.address() as AddressInfo;
    const account = { id: 'wb-price-stub', channel: 'WILDBERRIES' as const, baseUrl: `http://127.0.0.1:${port}`, credentials: { token: 't' } };
    const [result] = await createConnector(account, QUICK_RETRIES).pushPrice([{ sku: 'A', externalId: '100:300', price: '900' }]);
    expect(result).toMatchObject({ ok: false });
    expect(reads).toBe(3);
  });
});
