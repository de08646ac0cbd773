/**
 * eMAG dates are the platform's wall clock (emag.ro: Europe/Bucharest), not UTC: order dates are
 * read and modified-since filters sent in the account's zone, across DST changes too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/index.js';
import { formatEmagDate, monthWindow, parseEmagDate, windowBounds } from '../../src/connectors/emag/dates.js';
import { collectPages, QUICK_RETRIES } from '../../src/connectors/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';

const sec = (ms: number) => Math.floor(ms / 1000) * 1000;
const orderNumber = (id: number) => String(10_000_000 + id);

describe('eMAG connector: platform-local dates', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startFastSimulator('EMAG', { offers: 200, orders: 120, seed: 21 });
  });
  afterAll(() => sim.stop());

  it('reads order dates as Europe/Bucharest wall clock (the simulator plays emag.ro)', async () => {
    const { items } = await collectPages(createConnector(sim.account('emag-dates-read'), QUICK_RETRIES).listOrders());
    expect(items).toHaveLength(sim.orders.all().length);
    for (const order of sim.orders.all()) {
      const read = items.find((o) => o.externalId === orderNumber(order.id));
      expect(read?.placedAt.toISOString()).toBe(new Date(sec(order.createdAt)).toISOString());
      expect(read?.remoteUpdatedAt?.toISOString()).toBe(new Date(sec(order.updatedAt)).toISOString());
    }
  });

  it('sends modifiedAfter in the platform zone: an order changed a second before the watermark is not read', async () => {
    const sorted = [...sim.orders.all()].sort((a, b) => a.updatedAt - b.updatedAt);
    const pivot = sorted[Math.floor(sorted.length / 2)]!;
    const since = new Date(sec(pivot.updatedAt) + 1000);
    const { items } = await collectPages(createConnector(sim.account('emag-dates-since'), QUICK_RETRIES).listOrders({ since }));
    const expected = sim.orders.all().filter((o) => sec(o.updatedAt) >= since.getTime()).map((o) => orderNumber(o.id));
    expect(items.map((o) => o.externalId).sort()).toEqual(expected.sort());
  });

  it('uses the timeZone option over the host default', async () => {
    const order = sim.orders.all()[10]!;
    const account = { ...sim.account('emag-dates-option'), options: { timeZone: 'Europe/Budapest' } };
    const { items } = await collectPages(createConnector(account, QUICK_RETRIES).listOrders());
    // The simulator writes Bucharest wall clock; read as Budapest it is an hour later.
    expect(items.find((o) => o.externalId === orderNumber(order.id))?.placedAt.getTime()).toBe(sec(order.createdAt) + 3_600_000);
  });

  it('reads the repeated hour of a DST fall-back: an order changed in the second 03:10 is not missed', async () => {
    // 2026-10-25 04:00 EEST -> 03:00 EET: 03:00-03:59 happens twice in Bucharest.
    const times = {
      firstFoldEarly: Date.parse('2026-10-25T00:20:00Z'), // 03:20 EEST
      firstFoldLate: Date.parse('2026-10-25T00:50:00Z'), // 03:50 EEST
      secondFoldEarly: Date.parse('2026-10-25T01:10:00Z'), // 03:10 EET
      secondFoldLate: Date.parse('2026-10-25T01:40:00Z'), // 03:40 EET
    };
    const [a, b, c, d] = sim.orders.all().slice(0, 4);
    const moved = { a: a!, b: b!, c: c!, d: d! };
    const saved = [a, b, c, d].map((o) => ({ createdAt: o!.createdAt, updatedAt: o!.updatedAt }));
    moved.a.updatedAt = moved.a.createdAt = times.firstFoldEarly;
    moved.b.updatedAt = moved.b.createdAt = times.firstFoldLate;
    moved.c.updatedAt = moved.c.createdAt = times.secondFoldEarly;
    moved.d.updatedAt = moved.d.createdAt = times.secondFoldLate;
    try {
      const since = new Date('2026-10-25T00:45:00Z'); // 03:45 EEST, in the first fold
      const { items } = await collectPages(createConnector(sim.account('emag-dates-dst'), QUICK_RETRIES).listOrders({ since }));
      const ids = new Set(items.map((o) => o.externalId));
      for (const order of [moved.b, moved.c, moved.d]) expect(ids.has(orderNumber(order.id)), `order ${order.id}`).toBe(true);
      expect(items.filter((o) => o.remoteUpdatedAt && o.remoteUpdatedAt.getTime() < since.getTime() - 3_600_000)).toEqual([]);
    } finally {
      [a, b, c, d].forEach((o, n) => Object.assign(o!, saved[n]));
    }
  });

  it('order windows never span more than a calendar month ("Maximum 1 month difference"), also from 29–31 January', async () => {
    // Bucharest is UTC+2 in winter: these are 2026-01-29/30/31 wall clock. The simulator refuses a
    // window past the same day of the next month (clamped: January 31st → February 28th).
    for (const since of ['2026-01-29T08:00:00Z', '2026-01-30T08:00:00Z', '2026-01-31T21:59:59Z']) {
      const { items } = await collectPages(createConnector(sim.account('emag-dates-month'), QUICK_RETRIES).listOrders({ since: new Date(since) }));
      const expected = sim.orders.all().filter((o) => sec(o.updatedAt) >= Date.parse(since)).map((o) => orderNumber(o.id));
      expect(items.map((o) => o.externalId).sort()).toEqual(expected.sort());
    }
  });

  it('reads dates on both sides of the spring-forward gap', async () => {
    // 2026-03-29 03:00 EET -> 04:00 EEST.
    const before = Date.parse('2026-03-29T00:59:59Z'); // 02:59:59 EET
    const after = Date.parse('2026-03-29T01:00:00Z'); // 04:00:00 EEST
    const [x, y] = sim.orders.all().slice(4, 6);
    const saved = [x, y].map((o) => ({ createdAt: o!.createdAt, updatedAt: o!.updatedAt }));
    x!.createdAt = before;
    y!.createdAt = after;
    try {
      const { items } = await collectPages(createConnector(sim.account('emag-dates-gap'), QUICK_RETRIES).listOrders());
      expect(items.find((o) => o.externalId === orderNumber(x!.id))?.placedAt.toISOString()).toBe('2026-03-29T00:59:59.000Z');
      expect(items.find((o) => o.externalId === orderNumber(y!.id))?.placedAt.toISOString()).toBe('2026-03-29T01:00:00.000Z');
    } finally {
      [x, y].forEach((o, n) => Object.assign(o!, saved[n]));
    }
  });
});

describe('eMAG date conversion', () => {
  it('reads and writes wall clock in each zone, summer and winter', () => {
    const cases: Array<[string, string, string]> = [
      ['Europe/Bucharest', '2026-07-01 12:00:00', '2026-07-01T09:00:00.000Z'],
      ['Europe/Bucharest', '2026-01-15 12:00:00', '2026-01-15T10:00:00.000Z'],
      ['Europe/Sofia', '2026-07-01 12:00:00', '2026-07-01T09:00:00.000Z'],
      ['Europe/Budapest', '2026-07-01 12:00:00', '2026-07-01T10:00:00.000Z'],
      ['Europe/Budapest', '2026-01-15 00:30:00', '2026-01-14T23:30:00.000Z'],
    ];
    for (const [zone, text, iso] of cases) {
      expect(parseEmagDate(text, zone).toISOString(), `${zone} ${text}`).toBe(iso);
      expect(formatEmagDate(new Date(iso), zone)).toBe(text);
    }
  });

  it('spring-forward: the skipped hour reads with the offset before the change', () => {
    // Budapest 2026-03-29 02:00 CET -> 03:00 CEST; Bucharest 03:00 EET -> 04:00 EEST.
    expect(parseEmagDate('2026-03-29 01:59:59', 'Europe/Budapest').toISOString()).toBe('2026-03-29T00:59:59.000Z');
    expect(parseEmagDate('2026-03-29 02:30:00', 'Europe/Budapest').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(parseEmagDate('2026-03-29 03:00:00', 'Europe/Budapest').toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(parseEmagDate('2026-03-29 03:30:00', 'Europe/Bucharest').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('fall-back: the repeated hour reads as its first occurrence', () => {
    expect(parseEmagDate('2026-10-25 03:10:00', 'Europe/Bucharest').toISOString()).toBe('2026-10-25T00:10:00.000Z');
    expect(parseEmagDate('2026-10-25 04:00:00', 'Europe/Bucharest').toISOString()).toBe('2026-10-25T02:00:00.000Z');
    expect(parseEmagDate('2026-10-25 02:10:00', 'Europe/Budapest').toISOString()).toBe('2026-10-25T00:10:00.000Z');
    expect(formatEmagDate(new Date('2026-10-25T01:10:00Z'), 'Europe/Bucharest')).toBe('2026-10-25 03:10:00');
  });

  it('widens a window over a fall-back so the repeated hour is inside it', () => {
    const zone = 'Europe/Bucharest';
    expect(windowBounds(Date.parse('2026-10-25T00:45:00Z'), Date.parse('2026-11-20T10:00:00Z'), zone)).toEqual({
      after: '2026-10-25 02:45:00', // 03:45 EEST read as EET: an hour earlier
      before: '2026-11-20 13:00:00', // the larger offset: an hour of slack at the end too
    });
    // No change inside: exact wall clock at both ends.
    expect(windowBounds(Date.parse('2026-11-01T10:00:00Z'), Date.parse('2026-11-20T10:00:00Z'), zone)).toEqual({
      after: '2026-11-01 12:00:00',
      before: '2026-11-20 12:00:00',
    });
    // Spring-forward inside: still exact (no wall-clock text repeats).
    expect(windowBounds(Date.parse('2026-03-20T10:00:00Z'), Date.parse('2026-04-10T10:00:00Z'), zone)).toEqual({
      after: '2026-03-20 12:00:00',
      before: '2026-04-10 13:00:00',
    });
  });

  it('steps order windows by calendar month, the end clamped to the next month\'s last day, less a second', () => {
    const zone = 'Europe/Bucharest';
    const window = (from: string, now = '2030-01-01T00:00:00Z') => monthWindow(Date.parse(from), Date.parse(now), zone);
    // 2026: February has 28 days. 10:00 wall clock is 08:00Z in winter.
    expect(window('2026-01-29T08:00:00Z')).toMatchObject({ after: '2026-01-29 10:00:00', before: '2026-02-28 09:59:59' });
    expect(window('2026-01-30T08:00:00Z')).toMatchObject({ after: '2026-01-30 10:00:00', before: '2026-02-28 09:59:59' });
    expect(window('2026-01-31T08:00:00Z')).toMatchObject({ after: '2026-01-31 10:00:00', before: '2026-02-28 09:59:59' });
    expect(window('2026-01-31T21:59:59Z')).toMatchObject({ after: '2026-01-31 23:59:59', before: '2026-02-28 23:59:58' });
    // 2028 is a leap year.
    expect(window('2028-01-31T08:00:00Z')).toMatchObject({ after: '2028-01-31 10:00:00', before: '2028-02-29 09:59:59' });
    // The end is an instant: the next window starts a second later (February 28th 10:00 wall clock).
    expect(window('2026-01-30T08:00:00Z').end).toBe(Date.parse('2026-02-28T07:59:59Z'));
    // December → January of the next year.
    expect(window('2026-12-31T08:00:00Z')).toMatchObject({ after: '2026-12-31 10:00:00', before: '2027-01-31 09:59:59' });
    // Never past now.
    expect(window('2026-01-30T08:00:00Z', '2026-02-10T08:00:00Z')).toMatchObject({ before: '2026-02-10 10:00:00', end: Date.parse('2026-02-10T08:00:00Z') });
    // Over a fall-back the texts are widened by an hour (windowBounds): the month still holds them.
    const fall = window('2026-10-20T09:00:00Z');
    expect(fall.after).toBe('2026-10-20 11:00:00');
    expect(fall.before <= '2026-11-20 10:59:59').toBe(true);
  });
});
