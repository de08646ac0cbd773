/** Fire-time arithmetic: cron in UTC, interval grids, spread offsets, and what the API accepts. */
import { describe, expect, it } from 'vitest';
import { defaultSchedulesFor } from '../../src/scheduler/default-schedules.js';
import { cronNext, cronProblem, nextFireTime, spreadOffset } from '../../src/scheduler/schedule-timing.js';

const at = (iso: string) => new Date(iso);

describe('schedule timing', () => {
  it('cron fires strictly after the given time, in UTC', () => {
    expect(cronNext('5 * * * *', at('2024-01-01T10:05:00.000Z')).toISOString()).toBe('2024-01-01T11:05:00.000Z');
    expect(cronNext('5 * * * *', at('2024-01-01T10:04:59.999Z')).toISOString()).toBe('2024-01-01T10:05:00.000Z');
    expect(cronNext('17 2 * * *', at('2024-01-01T02:17:00.001Z')).toISOString()).toBe('2024-01-02T02:17:00.000Z');
    expect(nextFireTime({ cron: '*/15 * * * *' }, at('2024-03-10T23:59:00Z')).toISOString()).toBe('2024-03-11T00:00:00.000Z');
  });

  it('intervals stay on their grid: on time, late, and far behind', () => {
    const anchor = at('2024-01-01T00:00:07.000Z');
    const every = { intervalSeconds: 60 };
    expect(nextFireTime(every, anchor, anchor).toISOString()).toBe('2024-01-01T00:01:07.000Z');
    expect(nextFireTime(every, at('2024-01-01T00:00:07.250Z'), anchor).toISOString()).toBe('2024-01-01T00:01:07.000Z');
    // 5.5 intervals late: the first slot after now, not the 5 missed ones.
    expect(nextFireTime(every, at('2024-01-01T00:05:37.000Z'), anchor).toISOString()).toBe('2024-01-01T00:06:07.000Z');
    // An anchor in the future (a default's spread) is its own first slot's grid.
    expect(nextFireTime({ intervalSeconds: 300 }, at('1970-01-01T00:00:00.000Z'), at('1970-01-01T00:02:00.000Z')).toISOString()).toBe('1970-01-01T00:02:00.000Z');
    // No anchor: one interval from now.
    expect(nextFireTime(every, at('2024-01-01T12:00:00.000Z')).toISOString()).toBe('2024-01-01T12:01:00.000Z');
    expect(() => nextFireTime({}, new Date())).toThrow(/cron expression or a positive interval/);
  });

  it('accepts 5-field cron only, and says what is wrong', () => {
    expect(cronProblem('0 2 * * *')).toBeNull();
    expect(cronProblem(' */5  * * * 1-5 ')).toBeNull();
    expect(cronProblem('* * * *')).toMatch(/must have 5 fields.*got 4/);
    expect(cronProblem('* * * * * *')).toMatch(/got 6/);
    expect(cronProblem('61 * * * *')).toMatch(/got value 61 expected range 0-59/);
    expect(cronProblem('every hour please')).toMatch(/5 fields/);
    expect(cronProblem('x * * * *')).toMatch(/Invalid characters/);
    expect(cronProblem('0 0 30 2 *')).toMatch(/Invalid explicit day of month/);
  });

  it('spreads accounts deterministically: minute from the account id, the daily FULL half an hour from the hourly run', () => {
    const ids = ['6f1c2b6e-1a7b-4c61-9d0e-0c1f3b0d2a11', '0b8e3f7a-5d2c-4e9f-8a1b-2c3d4e5f6a7b', 'a3b4c5d6-e7f8-4a9b-8c0d-1e2f3a4b5c6d'];
    const minutes = ids.map((id) => spreadOffset(id, 60));
    expect(ids.map((id) => spreadOffset(id, 60))).toEqual(minutes);
    expect(new Set(minutes).size).toBeGreaterThan(1);
    const rows = defaultSchedulesFor([
      { id: ids[0]!, channel: 'EMAG' },
      { id: ids[1]!, channel: 'STOREFRONT' },
    ]);
    expect(rows.map((r) => [r.key, r.mode, r.cron ?? null, r.intervalSeconds ?? null])).toEqual([
      [`sync:${ids[0]}:incremental`, 'INCREMENTAL', `${(minutes[0]! + 30) % 60} * * * *`, null],
      [`sync:${ids[0]}:full`, 'FULL', `${minutes[0]} 2 * * *`, null],
      [`sync:${ids[1]}:incremental`, 'INCREMENTAL', null, 300],
    ]);
    expect(rows[2]!.anchor!.getTime()).toBe(spreadOffset(ids[1]!, 300) * 1000);
  });
});
