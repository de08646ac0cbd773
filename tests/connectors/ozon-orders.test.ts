/** Ozon orders: FBS and FBO postings, and status changes of older FBO postings through openOrderIds. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/index.js';
import { collectPages, QUICK_RETRIES } from '../../src/connectors/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { isFboOrder } from '../../src/simulators/ozon/index.js';
import { startOzonSeller } from '../../src/simulators/ozon/testing.js';

const postingNumber = (id: number) => `${70_000_000 + id}-0001-1`;

type Call = { path: string; body: { posting_number?: string; filter?: { since?: string } } };

/** A pass-through proxy in front of the simulator that records each method called and its body. */
async function recordingProxy(target: string): Promise<{ url: string; calls: Call[]; close: () => Promise<void> }> {
  const calls: Call[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    calls.push({ path: request.url ?? '', body: text ? JSON.parse(text) : {} });
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([k]) => ['content-type', 'client-id', 'api-key'].includes(k))) as Record<string, string>;
    const answer = await fetch(`${target}${request.url}`, { method: request.method, headers, body: text || undefined });
    response.writeHead(answer.status, Object.fromEntries([...answer.headers].filter(([k]) => ['content-type', 'retry-after'].includes(k))));
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

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

  it('re-reads a few open postings one by one (/v2/posting/fbo/get) instead of a year of FBO postings; FBS ones seen changed are not asked again', async () => {
    const proxy = await recordingProxy(sim.url);
    try {
      const connector = createConnector({ ...sim.account('oz-orders-few-open'), baseUrl: proxy.url }, QUICK_RETRIES);
      const fbo = sim.orders.all().filter((o) => isFboOrder(o.id) && o.status === 'new')[1]!;
      const [fbsChanged, fbsSame] = sim.orders.all().filter((o) => !isFboOrder(o.id) && o.status === 'new');
      expect([fbo, fbsChanged, fbsSame].every(Boolean)).toBe(true);
      const since = new Date(Date.now() - 1000);
      sim.orders.setStatus(fbo.id, 'cancelled');
      sim.orders.setStatus(fbsChanged!.id, 'shipped');
      const open = [fbo, fbsChanged!, fbsSame!].map((o) => postingNumber(o.id));
      const { items } = await collectPages(connector.listOrders({ since, openOrderIds: open }));

      expect(items.find((o) => o.externalId === postingNumber(fbo.id))).toMatchObject({ status: 'CANCELLED' });
      expect(items.filter((o) => o.externalId === postingNumber(fbsChanged!.id))).toEqual([expect.objectContaining({ status: 'SHIPPED' })]);
      const fboListFrom = proxy.calls.filter((c) => c.path === '/v2/posting/fbo/list').map((c) => Date.parse(c.body.filter?.since ?? ''));
      expect(fboListFrom.length).toBeGreaterThan(0);
      expect(Math.min(...fboListFrom)).toBeGreaterThanOrEqual(since.getTime());
      const gets = proxy.calls.filter((c) => c.path === '/v2/posting/fbo/get').map((c) => c.body.posting_number);
      expect(gets.sort()).toEqual([postingNumber(fbo.id), postingNumber(fbsSame!.id)].sort());
    } finally {
      await proxy.close();
    }
  });

  it('with many open postings, one pass over the year of FBO postings is the cheaper re-read', async () => {
    const proxy = await recordingProxy(sim.url);
    try {
      const connector = createConnector({ ...sim.account('oz-orders-many-open'), baseUrl: proxy.url }, QUICK_RETRIES);
      const fbo = sim.orders.all().filter((o) => isFboOrder(o.id) && o.status === 'new')[2]!;
      expect(fbo).toBeDefined();
      const since = new Date(Date.now() - 1000);
      sim.orders.setStatus(fbo.id, 'delivered');
      const unknown = Array.from({ length: 60 }, (_, n) => postingNumber(900_000 + n));
      const { items } = await collectPages(connector.listOrders({ since, openOrderIds: [...unknown, postingNumber(fbo.id)] }));

      expect(items.find((o) => o.externalId === postingNumber(fbo.id))).toMatchObject({ status: 'DELIVERED' });
      expect(proxy.calls.filter((c) => c.path === '/v2/posting/fbo/get')).toHaveLength(0);
      const fboListFrom = proxy.calls.filter((c) => c.path === '/v2/posting/fbo/list').map((c) => Date.parse(c.body.filter?.since ?? ''));
      expect(Math.min(...fboListFrom)).toBeLessThan(Date.now() - 300 * 86_400_000);
    } finally {
      await proxy.close();
    }
  });
});
