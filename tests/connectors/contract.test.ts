/**
 * The connector contract, run for every channel against its simulator: complete listings,
 * incremental listings, pushes that land, auth failures, resilience to 429/5xx/resets without
 * rate-limit violations, malformed pages, resume cursors, orders, and no leaked secrets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector, MalformedResponseError, type Connector, type ConnectorAccount, type ConnectorContext, type RemoteListing } from '../../src/connectors/index.js';
import { captureLogger, collectPages as collect, QUICK_RETRIES as quickRetries } from '../../src/connectors/testing.js';
import type { SimChannel, Simulator } from '../../src/simulators/index.js';
import { findLeaks, simulatorSecrets as secretsOf, startFastSimulator as startFast } from '../../src/simulators/testing.js';

const CHANNELS: SimChannel[] = ['EMAG', 'OZON', 'WILDBERRIES', 'STOREFRONT'];

let accounts = 0;
/** A connector under a fresh account id, so budgets are not shared between tests. */
function connectorFor(sim: Simulator, context: ConnectorContext = quickRetries, overrides: Partial<ConnectorAccount> = {}): Connector {
  accounts += 1;
  return createConnector({ ...sim.account(`contract-${process.pid}-${accounts}`), ...overrides }, context);
}

function captureLogs(): { lines: string[]; context: ConnectorContext } {
  const { lines, logger } = captureLogger();
  return { lines, context: { ...quickRetries, logger } };
}

function expectNoSecrets(texts: string[], secrets: string[]): void {
  expect(findLeaks(texts, secrets)).toEqual([]);
}

/** Ozon and WB page sizes are set to 100 so small catalogs still have several pages. */
const smallPages = { options: { pageSize: 100 } };

function expectMatchesSimulator(listing: RemoteListing, sim: Simulator): void {
  const offer = sim.offer(listing.sku);
  expect(offer, listing.sku).toBeDefined();
  expect(listing.externalId).toBe(offer?.externalId);
  expect(listing.price).toBe(offer?.price);
  expect(listing.stock).toBe(offer?.stock);
  // Every seller warehouse with its units; a connector may add marketplace-held stock beside them
  // (Ozon `fbo`, Wildberries `fbw:<warehouse>`), which `stock` does not count.
  expect(listing.stockByWarehouse).toMatchObject(offer?.stockByWarehouse ?? {});
}


describe.each(CHANNELS)('%s connector against its simulator', (channel) => {
  describe('10,000-offer catalog', () => {
    let sim: Simulator;
    beforeAll(async () => {
      sim = await startFast(channel, { offers: 10_000, seed: 7 });
    });
    afterAll(() => sim.stop());

    it('lists every offer exactly once, with the simulator values', async () => {
      const connector = connectorFor(sim);
      const { items, pages } = await collect(connector.listProducts({ mode: 'FULL' }));
      expect(items).toHaveLength(10_000);
      expect(new Set(items.map((i) => i.externalId)).size).toBe(10_000);
      expect(new Set(items.map((i) => i.sku)).size).toBe(10_000);
      pages.forEach((page, n) => expect(page.pageIndex).toBe(n));
      expect(pages.at(-1)?.cursor).toBeNull();
      expect(pages.slice(0, -1).every((p) => typeof p.cursor === 'string')).toBe(true);
      for (const listing of [items[0], items[4_321], items[9_999]]) expectMatchesSimulator(listing as RemoteListing, sim);
      expect(sim.stats().violations).toBe(0);
    });

    it('still returns every offer exactly once under injected 429s, 5xx and resets, with no violations', async () => {
      sim.resetStats();
      sim.setFaults({ errorRate: 0.08, tooManyRequestsRate: 0.05, resetRate: 0.02, retryAfterMs: 100 });
      try {
        const logs = captureLogs();
        const connector = connectorFor(sim, logs.context);
        const { items } = await collect(connector.listProducts({ mode: 'FULL' }));
        expect(items).toHaveLength(10_000);
        expect(new Set(items.map((i) => i.externalId)).size).toBe(10_000);
        const stats = sim.stats();
        expect(stats.injected.errors + stats.injected.tooManyRequests + stats.injected.resets).toBeGreaterThan(0);
        expect(stats.violations).toBe(0);
        expect(logs.lines.some((line) => line.includes('"msg":"retrying"'))).toBe(true);
        expectNoSecrets(logs.lines, secretsOf(sim));
      } finally {
        sim.setFaults({});
      }
    });
  });

  describe('small catalog', () => {
    let sim: Simulator;
    beforeAll(async () => {
      sim = await startFast(channel, { offers: 500, seed: 11, orders: 60 });
    });
    afterAll(() => sim.stop());

    it('lists incrementally what changed since a watermark (or, without a modified filter, says so and scans)', async () => {
      const connector = connectorFor(sim, quickRetries, smallPages);
      const watermark = new Date();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const drift = sim.drift({ count: 7, orders: false });
      expect(drift.offers).toHaveLength(7);
      const { items } = await collect(connector.listProducts({ mode: 'INCREMENTAL', since: watermark }));
      if (connector.capabilities.supportsModifiedSince) {
        expect(items.map((i) => i.sku).sort()).toEqual([...drift.offers].sort());
      } else {
        expect(items).toHaveLength(500);
      }
      const bySku = new Map(items.map((i) => [i.sku, i]));
      for (const sku of drift.offers) expectMatchesSimulator(bySku.get(sku) as RemoteListing, sim);
    });

    it('lists selected SKUs only', async () => {
      const connector = connectorFor(sim, quickRetries, smallPages);
      const skus = ['STK-0000003', 'STK-0000250', 'STK-0000499', 'STK-9999999'];
      const { items } = await collect(connector.listProducts({ mode: 'SELECTIVE', skus }));
      expect(items.map((i) => i.sku).sort()).toEqual(['STK-0000003', 'STK-0000250', 'STK-0000499']);
    });

    it('resumes a listing from a page cursor', async () => {
      const connector = connectorFor(sim, quickRetries, smallPages);
      const first: RemoteListing[] = [];
      let cursor: string | null = null;
      for await (const page of connector.listProducts({ mode: 'FULL' })) {
        first.push(...page.items);
        cursor = page.cursor;
        if (page.pageIndex === 1) break;
      }
      expect(cursor).toEqual(expect.any(String));
      const rest = await collect(connector.listProducts({ mode: 'FULL', startCursor: cursor as string }));
      expect(rest.pages[0]?.pageIndex).toBe(2);
      const all = [...first, ...rest.items].map((i) => i.externalId);
      expect(all).toHaveLength(500);
      expect(new Set(all).size).toBe(500);
    });

    it('pushes stock and price that land in the simulator', async () => {
      const connector = connectorFor(sim);
      const targets = ['STK-0000010', 'STK-0000020', 'STK-0000030'].map((sku) => sim.offer(sku)!);
      const stockResults = await connector.pushStock(
        targets.map((offer, n) => ({
          externalId: offer.externalId,
          sku: offer.sku,
          stock: 40 + n,
          warehouseId: Object.keys(offer.stockByWarehouse)[0],
        })),
      );
      expect(stockResults).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
      // Whole amounts within ±10%: valid on every channel (WB wants whole roubles, eMAG a min/max band).
      const prices = targets.map((offer) => `${Math.round(Number(offer.price) * 1.05)}.00`);
      const priceResults = await connector.pushPrice(targets.map((offer, n) => ({ externalId: offer.externalId, sku: offer.sku, price: prices[n] as string })));
      expect(priceResults).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
      targets.forEach((before, n) => {
        const after = sim.offer(before.sku)!;
        expect(Object.values(after.stockByWarehouse)[0]).toBe(40 + n);
        expect(after.price).toBe(prices[n]);
      });
      // And a listing reads them back.
      const { items } = await collect(connector.listProducts({ mode: 'SELECTIVE', skus: targets.map((t) => t.sku) }));
      for (const listing of items) expectMatchesSimulator(listing, sim);
    });

    it('reports bad push items one by one', async () => {
      const connector = connectorFor(sim);
      const results = await connector.pushStock([{ externalId: '999999999', sku: 'STK-9999999', stock: 5, warehouseId: '1' }, { stock: -1 }]);
      expect(results).toHaveLength(2);
      for (const result of results) {
        expect(result.ok).toBe(false);
        expect(result.error).toEqual(expect.any(String));
      }
    });

    it('reports a wrong credential as AUTH from testConnection', async () => {
      const logs = captureLogs();
      const good = connectorFor(sim, logs.context);
      const passed = await good.testConnection();
      expect(passed.ok).toBe(true);
      const wrong = Object.fromEntries(Object.entries(sim.credentials).map(([k, v]) => [k, k === 'clientId' ? v : `${v.slice(0, -3)}xyz`]));
      const bad = connectorFor(sim, logs.context, { credentials: wrong });
      const result = await bad.testConnection();
      expect(result).toMatchObject({ ok: false, kind: 'AUTH' });
      // Every host and scope tried is listed by name; a failure's message names the check that failed.
      expect(passed.checks?.length).toBeGreaterThan(0);
      expect(passed.checks!.every((c) => c.ok && c.name.length > 0)).toBe(true);
      const failed = result.checks?.find((c) => !c.ok);
      expect(failed).toMatchObject({ ok: false, kind: 'AUTH' });
      expect(result.ok ? '' : result.message).toContain(failed!.name);
      expectNoSecrets([JSON.stringify(result), ...logs.lines], [...secretsOf(sim), ...Object.values(wrong)]);
    });

    it('reports an injected auth failure as AUTH and an outage as NETWORK or REMOTE', async () => {
      const connector = connectorFor(sim, { ...quickRetries, retries: 1 });
      sim.setFaults({ authFailure: true });
      try {
        expect(await connector.testConnection()).toMatchObject({ ok: false, kind: 'AUTH' });
        sim.setFaults({ outage: { from: Date.now() - 1000, to: Date.now() + 60_000 } });
        const outage = await connector.testConnection();
        expect(outage.ok).toBe(false);
        expect(['NETWORK', 'REMOTE']).toContain(outage.ok ? '' : outage.kind);
      } finally {
        sim.setFaults({});
      }
    });

    it('fails the malformed page with MalformedResponseError, after yielding the pages before it', async () => {
      const connector = connectorFor(sim, quickRetries, smallPages);
      sim.setFaults({ malformedPages: [2] });
      const seen: RemoteListing[] = [];
      try {
        await expect(async () => {
          for await (const page of connector.listProducts({ mode: 'FULL' })) seen.push(...page.items);
        }).rejects.toSatisfy((error: unknown) => error instanceof MalformedResponseError && error.page === 2);
        expect(seen).toHaveLength(100);
        expect(sim.stats().injected.malformed).toBeGreaterThan(0);
      } finally {
        sim.setFaults({});
      }
    });

    it('lists orders, and incrementally the ones placed or changed since a watermark', async () => {
      const connector = connectorFor(sim);
      const all = await collect(connector.listOrders());
      expect(all.items).toHaveLength(sim.orders.all().length);
      expect(new Set(all.items.map((o) => o.externalId)).size).toBe(all.items.length);
      for (const order of all.items.slice(0, 10)) {
        expect(order.items.length).toBeGreaterThan(0);
        expect(Number(order.total)).toBeGreaterThan(0);
        expect(order.placedAt).toBeInstanceOf(Date);
      }
      const watermark = new Date(Date.now() - 1000);
      const drift = sim.drift({ count: 1, orders: { created: 3, updated: 2 } });
      const recent = await collect(connector.listOrders({ since: watermark }));
      const expected = connector.capabilities.ordersModifiedSince ? 5 : 3;
      expect(recent.items).toHaveLength(expected);
      expect(drift.orders.created).toHaveLength(3);
    });
  });
});
