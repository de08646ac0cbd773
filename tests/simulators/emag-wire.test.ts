/**
 * The eMAG simulator on the wire, with plain fetch, against API v4.4.9 rather than against our
 * connector: platform wall-clock dates, wall-clock filters, per-entry offer/save answers, seller
 * codes on order lines, and acknowledge for seller-fulfilled orders only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';

type Envelope = { isError: boolean; messages: string[]; results: Array<Record<string, unknown>> };

describe('eMAG simulator answers as v4.4.9 says', () => {
  let sim: Simulator;
  let fbe: Simulator;
  const post = async (target: Simulator, path: string, data: unknown): Promise<Envelope> => {
    const authorization = `Basic ${Buffer.from(`${target.credentials.username}:${target.credentials.password}`).toString('base64')}`;
    const response = await fetch(`${target.url}/${path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ data }) });
    return (await response.json()) as Envelope;
  };
  beforeAll(async () => {
    sim = await startFastSimulator('EMAG', { offers: 30, orders: 20, seed: 71 });
    fbe = await startFastSimulator('EMAG', { offers: 30, orders: 5, seed: 71, fulfillment: 'FBE' });
  });
  afterAll(async () => {
    await sim.stop();
    await fbe.stop();
  });

  it('writes order dates as Bucharest wall clock and filters on that wall clock', async () => {
    const order = sim.orders.all()[0]!;
    order.createdAt = order.updatedAt = Date.parse('2026-07-01T09:00:00Z');
    const read = await post(sim, 'order/read', { id: 10_000_000 + order.id });
    expect(read.results[0]).toMatchObject({ date: '2026-07-01 12:00:00', modified: '2026-07-01 12:00:00' });
    const inside = await post(sim, 'order/read', { modifiedAfter: '2026-07-01 12:00:00', modifiedBefore: '2026-07-01 12:00:00' });
    expect(inside.results.map((o) => o.id)).toEqual([10_000_000 + order.id]);
    const utcText = await post(sim, 'order/read', { modifiedAfter: '2026-07-01 09:00:00', modifiedBefore: '2026-07-01 09:00:00' });
    expect(utcText.results).toEqual([]);
  });

  it('refuses order windows longer than one calendar month ("Maximum 1 month difference"), read strictly', async () => {
    const window = (modifiedAfter: string, modifiedBefore: string) => post(sim, 'order/read', { modifiedAfter, modifiedBefore }).then((a) => a.isError);
    expect(await window('2026-01-31 10:00:00', '2026-02-28 10:00:00')).toBe(false);
    expect(await window('2026-01-31 10:00:00', '2026-02-28 10:00:01')).toBe(true);
    expect(await window('2026-01-30 10:00:00', '2026-03-01 10:00:00')).toBe(true); // 30 days
    expect(await window('2028-01-31 10:00:00', '2028-02-29 10:00:00')).toBe(false); // leap year
    expect(await window('2026-03-01 00:00:00', '2026-04-01 00:00:00')).toBe(false);
    expect(await window('2026-03-01 00:00:00', '2026-04-01 00:00:01')).toBe(true);
  });

  it('names the seller code in ext_part_number; part_number is the manufacturer code for products it does not own', async () => {
    const { results } = await post(sim, 'order/read', {});
    const lines = results.flatMap((o) => o.products as Array<Record<string, unknown>>);
    const foreign = lines.find((l) => (Number(l.product_id) - 1) % 3 === 2);
    expect(foreign).toBeDefined();
    expect(foreign?.ext_part_number).toBe(sim.catalog.get(Number(foreign?.product_id) - 1).sku);
    expect(foreign?.part_number).not.toBe(foreign?.ext_part_number);
  });

  it('offer/save applies the valid entries of a batch and names the refused one', async () => {
    const answer = await post(sim, 'offer/save', [
      { id: 1, stock: [{ warehouse_id: 1, value: 11 }] },
      { id: 2, stock: [{ warehouse_id: 9, value: 11 }] },
    ]);
    expect(answer).toMatchObject({ isError: true, messages: ['Offer 2: unknown warehouse_id'] });
    expect(sim.catalog.get(0).stock[0]).toBe(11);
  });

  it('a documentation error is isError naming no offer, although the offer was saved', async () => {
    const answer = await post(sim, 'offer/save', [{ id: 4, stock: [{ warehouse_id: 1, value: 12 }] }]);
    expect(answer.isError).toBe(true);
    expect(answer.messages.join(' ')).not.toMatch(/\b4\b/);
    expect(sim.catalog.get(3).stock[0]).toBe(12);
  });

  it('acknowledges seller orders only', async () => {
    const order = fbe.orders.all()[0]!;
    expect((await post(fbe, `order/acknowledge/${20_000_000 + order.id}`, {})).isError).toBe(true);
    const own = sim.orders.all().find((o) => o.status === 'new')!;
    expect((await post(sim, `order/acknowledge/${10_000_000 + own.id}`, {})).isError).toBe(false);
    expect(sim.orders.get(own.id)?.status).toBe('processing');
  });
});
