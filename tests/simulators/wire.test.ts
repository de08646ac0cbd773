/**
 * The simulators on the wire, with plain fetch: auth answers, 429 bodies and headers, the
 * violation counter, fault injection, and the quirks marketplaces.md describes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';

const basic = (sim: Simulator) => `Basic ${Buffer.from(`${sim.credentials.username}:${sim.credentials.password}`).toString('base64')}`;

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

describe('eMAG simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator('EMAG', { offers: 250, seed: 2 });
  });
  afterAll(() => sim.stop());

  it('counts a request over 3 req/s as a violation, answered 429 without isError', async () => {
    sim.resetStats();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => post(`${sim.url}/product_offer/count`, { data: {} }, { authorization: basic(sim) })),
    );
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(3);
    expect(limited[0]?.body).toEqual({ message: 'API rate limit exceeded' });
    expect(limited[0]?.headers.get('x-ratelimit-limit-3second')).toBe('9');
    expect(sim.stats().violations).toBe(limited.length);
    expect(sim.stats().byGroup.default?.violations).toBe(limited.length);
    // The orders bucket is separate.
    const orders = await post(`${sim.url}/order/count`, {}, { authorization: basic(sim) });
    expect(orders.status).toBe(200);
  });

  it('accepts form bodies with and without the data[...] wrapper, and JSON', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const form = async (body: string) => {
      const response = await fetch(`${sim.url}/product_offer/read`, {
        method: 'POST',
        headers: { authorization: basic(sim), 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      return (await response.json()) as { isError: boolean; results: Array<{ id: number }> };
    };
    expect((await form('data[currentPage]=2&data[itemsPerPage]=10')).results[0]?.id).toBe(11);
    expect((await form('currentPage=3&itemsPerPage=10')).results[0]?.id).toBe(21);
    const json = await post(`${sim.url}/product_offer/read`, { currentPage: 1, itemsPerPage: 101 }, { authorization: basic(sim) });
    expect(json.body).toMatchObject({ isError: true });
  });

  it('answers bad credentials 401 with the envelope, and a data-wrapped offer_stock PATCH 400 with no body', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const denied = await post(`${sim.url}/product_offer/count`, {}, { authorization: 'Basic eDp5' });
    expect(denied.status).toBe(401);
    expect(denied.body).toMatchObject({ isError: true });
    const patch = (body: unknown) =>
      fetch(`${sim.url}/offer_stock/4`, { method: 'PATCH', headers: { authorization: basic(sim), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const wrapped = await patch({ data: { stock: [{ warehouse_id: 1, value: 3 }] } });
    expect(wrapped.status).toBe(400);
    expect(await wrapped.text()).toBe('');
    expect((await patch({ stock: 9 })).status).toBe(200);
    expect(sim.offer('STK-0000004')?.stock).toBe(9);
  });
});

describe('Ozon, Wildberries and storefront simulators', () => {
  let ozon: Simulator;
  let wb: Simulator;
  let sf: Simulator;
  beforeAll(async () => {
    ozon = await startFastSimulator('OZON', { offers: 150 });
    wb = await startFastSimulator('WILDBERRIES', { offers: 150 });
    sf = await startSimulator('STOREFRONT', { offers: 150 });
  });
  afterAll(async () => {
    await Promise.all([ozon.stop(), wb.stop(), sf.stop()]);
  });

  const ozonHeaders = () => ({ 'client-id': ozon.credentials.clientId as string, 'api-key': ozon.credentials.apiKey as string });

  it('Ozon: rpcStatus auth answers, and last_id non-empty on the last page', async () => {
    expect((await post(`${ozon.url}/v3/product/list`, { limit: 10 }, { 'client-id': 'x', 'api-key': 'y' })).body).toMatchObject({ code: 3 });
    const wrongKey = await post(`${ozon.url}/v3/product/list`, { limit: 10 }, { ...ozonHeaders(), 'api-key': 'wrong' });
    expect(wrongKey.status).toBe(404);
    expect(wrongKey.body).toEqual({ code: 5, message: 'Invalid Api-Key, please check the key and try again', details: [] });
    const page = await post(`${ozon.url}/v3/product/list`, { filter: { visibility: 'ALL' }, last_id: '', limit: 1000 }, ozonHeaders());
    const result = (page.body as { result: { items: unknown[]; total: number; last_id: string } }).result;
    expect(result.items).toHaveLength(150);
    expect(result.total).toBe(150);
    expect(result.last_id).not.toBe('');
  });

  it('WB: 401 problem body, misspelled stock keys get 204 and change nothing', async () => {
    const denied = await fetch(`${wb.url}/ping`, { headers: { authorization: 'bad' } });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ title: 'unauthorized', status: 401 });
    const before = wb.offer('STK-0000003')!;
    const response = await fetch(`${wb.url}/api/v3/stocks/507001`, {
      method: 'PUT',
      headers: { authorization: wb.credentials.token as string, 'content-type': 'application/json' },
      body: JSON.stringify({ stocks: [{ chrtID: 300000002, amunt: 5 }] }),
    });
    expect(response.status).toBe(204);
    expect(wb.offer('STK-0000003')).toEqual(before);
  });

  it('WB: 429 carries X-Ratelimit-Retry and the documented body', async () => {
    wb.setRateLimits({ ping: { limit: 1, periodMs: 60_000, burst: 1 } });
    const ping = () => fetch(`${wb.url}/ping`, { headers: { authorization: `Bearer ${wb.credentials.token}` } });
    expect((await ping()).status).toBe(200);
    const limited = await ping();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('x-ratelimit-retry'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ title: 'too many requests', status: 429, statusText: 'too many requests' });
  });

  it('storefront: page meta, Retry-After on 429, injected faults, outages', async () => {
    const get = (path: string) => fetch(`${sf.url}${path}`, { headers: { authorization: `Bearer ${sf.credentials.token}` } });
    const first = await get('/api/v1/products?page=2&per_page=100');
    expect(await first.json()).toMatchObject({ meta: { page: 2, per_page: 100, total: 150, total_pages: 2 } });
    sf.setFaults({ tooManyRequestsRate: 1, retryAfterMs: 2000 });
    const injected = await get('/api/v1/products');
    expect(injected.status).toBe(429);
    expect(injected.headers.get('retry-after')).toBe('2');
    sf.setFaults({ errorRate: 1 });
    expect((await get('/api/v1/products')).status).toBeGreaterThanOrEqual(500);
    sf.setFaults({ outage: { from: Date.now() - 10, to: Date.now() + 10_000 } });
    expect((await get('/api/v1/products')).status).toBe(503);
    sf.setFaults({});
    const stats = sf.stats();
    expect(stats.injected.tooManyRequests).toBe(1);
    expect(stats.injected.errors).toBe(1);
    expect(stats.injected.outage).toBe(1);
    expect(stats.violations).toBe(0);
  });
});
