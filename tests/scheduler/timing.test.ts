/** Fire-time arithmetic: cron in UTC, interval grids, spread offsets, and what the API accepts. */
import { describe, expect, it } from 'vitest';
import { defaultSchedulesFor } from '../../src/scheduler/default-schedules.js';
import { cronNext, cronProblem, nextFireTime, spreadOffset } from '../../src/scheduler/schedule-timing.js';
import { DEFAULT_SCHEDULER_SETTINGS, schedulerSettings } from '../../src/scheduler/scheduler.settings.js';
import { ConfigError, parseEnv } from '../../src/env.js';

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

  it('spreads accounts deterministically: the daily FULL sits half an interval away from the incremental runs', () => {
    const ids = ['6f1c2b6e-1a7b-4c61-9d0e-0c1f3b0d2a11', '0b8e3f7a-5d2c-4e9f-8a1b-2c3d4e5f6a7b', 'a3b4c5d6-e7f8-4a9b-8c0d-1e2f3a4b5c6d'];
    const minutes = ids.map((id) => spreadOffset(id, 60));
    expect(ids.map((id) => spreadOffset(id, 60))).toEqual(minutes);
    expect(new Set(minutes).size).toBeGreaterThan(1);
    const rows = defaultSchedulesFor([
      { id: ids[0]!, channel: 'EMAG', fulfillment: 'FBE' },
      { id: ids[1]!, channel: 'STOREFRONT', fulfillment: null },
    ]);
    expect(rows.map((r) => [r.key, r.mode, r.cron ?? null, r.intervalSeconds ?? null, r.timeZone])).toEqual([
      [`sync:${ids[0]}:incremental`, 'INCREMENTAL', null, 3600, 'UTC'],
      [`sync:${ids[0]}:full`, 'FULL', `${minutes[0]} 2 * * *`, null, 'UTC'],
      [`sync:${ids[1]}:incremental`, 'INCREMENTAL', null, 300, 'UTC'],
    ]);
    // Hourly at :m+30, the daily FULL at 02:m.
    const hourly = nextFireTime(rows[0]!, at('2024-01-01T00:00:00Z'), rows[0]!.anchor);
    expect(hourly.getUTCMinutes()).toBe((minutes[0]! + 30) % 60);
    expect(rows[2]!.anchor!.getTime()).toBe(spreadOffset(ids[1]!, 300) * 1000);
  });

  it('defaults per account kind, as the eMAG scheduler had them: MAIN every 30 minutes, FBE 60, other marketplaces 60, storefront 5', () => {
    const id = 'a3b4c5d6-e7f8-4a9b-8c0d-1e2f3a4b5c6d';
    const incremental = (channel: 'EMAG' | 'OZON' | 'WILDBERRIES' | 'STOREFRONT', fulfillment: 'MAIN' | 'FBE' | null = null) =>
      defaultSchedulesFor([{ id, channel, fulfillment }]).find((r) => r.mode === 'INCREMENTAL')!;
    expect(incremental('EMAG', 'MAIN').intervalSeconds).toBe(1800);
    expect(incremental('EMAG', 'FBE').intervalSeconds).toBe(3600);
    expect(incremental('OZON').intervalSeconds).toBe(3600);
    expect(incremental('WILDBERRIES').intervalSeconds).toBe(3600);
    expect(incremental('STOREFRONT').intervalSeconds).toBe(300);
    // Every 30 minutes at :m+15 and :m+45, a quarter of an hour from the daily FULL at 02:m.
    const main = defaultSchedulesFor([{ id, channel: 'EMAG', fulfillment: 'MAIN' }]);
    const m = spreadOffset(id, 60);
    let fire = at('2024-01-01T00:00:00Z');
    const seen = new Set<number>();
    for (let i = 0; i < 4; i++) seen.add((fire = nextFireTime(main[0]!, fire, main[0]!.anchor)).getUTCMinutes());
    expect([...seen].sort((a, b) => a - b)).toEqual([(m + 15) % 60, (m + 45) % 60].sort((a, b) => a - b));
    expect(main[1]!.cron).toBe(`${m} 2 * * *`);
  });

  it('the environment sets each kind\'s interval, the FULL hour and the zone; bad values are refused naming the variable', () => {
    expect(schedulerSettings(parseEnv({}))).toEqual(DEFAULT_SCHEDULER_SETTINGS);
    const settings = schedulerSettings(
      parseEnv({ SYNC_INTERVAL_EMAG_MAIN_MINUTES: '15', SYNC_INTERVAL_STOREFRONT_MINUTES: '2', SYNC_INTERVAL_OZON_MINUTES: '120', FULL_SYNC_HOUR: '4', SCHEDULER_TIME_ZONE: 'Europe/Bucharest' }),
    );
    const id = '0b8e3f7a-5d2c-4e9f-8a1b-2c3d4e5f6a7b';
    const rows = defaultSchedulesFor(
      [
        { id, channel: 'EMAG', fulfillment: 'MAIN' },
        { id, channel: 'EMAG', fulfillment: 'FBE' },
        { id, channel: 'OZON', fulfillment: null },
        { id, channel: 'STOREFRONT', fulfillment: null },
      ],
      settings,
    );
    expect(rows.filter((r) => r.mode === 'INCREMENTAL' && r.scope === 'ALL').map((r) => r.intervalSeconds)).toEqual([900, 3600, 7200, 120]);
    // Orders only every 2 minutes where orders move the stock pool: eMAG MAIN and Ozon here, not eMAG FBE or the storefront.
    expect(rows.filter((r) => r.scope === 'ORDERS').map((r) => [r.key, r.mode, r.intervalSeconds])).toEqual([
      [`sync:${id}:orders`, 'INCREMENTAL', 120],
      [`sync:${id}:orders`, 'INCREMENTAL', 120],
    ]);
    expect(rows.filter((r) => r.mode === 'FULL').map((r) => [r.cron, r.timeZone])).toEqual(Array(3).fill([`${spreadOffset(id, 60)} 4 * * *`, 'Europe/Bucharest']));
    expect(() => parseEnv({ SCHEDULER_TIME_ZONE: 'Mars/Olympus' })).toThrow(ConfigError);
    expect(() => parseEnv({ SCHEDULER_TIME_ZONE: 'Mars/Olympus' })).toThrow(/SCHEDULER_TIME_ZONE: must be an IANA time zone/);
    expect(() => parseEnv({ FULL_SYNC_HOUR: '24' })).toThrow(/FULL_SYNC_HOUR/);
    expect(() => parseEnv({ SYNC_INTERVAL_EMAG_FBE_MINUTES: '0' })).toThrow(/SYNC_INTERVAL_EMAG_FBE_MINUTES/);
  });

  it('cron is evaluated in the schedule\'s zone: 02:00 in Bucharest is 00:00 UTC in winter (EET, UTC+2) and 23:00 UTC the day before in summer (EEST, UTC+3)', () => {
    const daily = { cron: '0 2 * * *', timeZone: 'Europe/Bucharest' };
    expect(nextFireTime(daily, at('2024-07-01T12:00:00Z')).toISOString()).toBe('2024-07-01T23:00:00.000Z');
    expect(nextFireTime(daily, at('2024-01-15T12:00:00Z')).toISOString()).toBe('2024-01-16T00:00:00.000Z');
    // Across the change to summer time (31 March 2024, 03:00 local): the same 02:00 local, an hour earlier in UTC.
    const first = nextFireTime(daily, at('2024-03-30T00:30:00Z'));
    expect(first.toISOString()).toBe('2024-03-31T00:00:00.000Z');
    expect(nextFireTime(daily, first).toISOString()).toBe('2024-03-31T23:00:00.000Z');
    expect(cronNext('0 2 * * *', at('2024-01-15T12:00:00Z'))).toEqual(at('2024-01-16T02:00:00Z'));
    expect(cronNext('0 2 * * *', at('2024-01-15T12:00:00Z'), 'Europe/Bucharest')).toEqual(at('2024-01-16T00:00:00Z'));
    expect(cronProblem('0 2 * * *', 'Nowhere/Else')).toMatch(/time zone/);
  });

  it('a daily FULL fires once on every local day across both summer-time changes, also where the change skips midnight', () => {
    // Zone -> its 2026 changes (local dates): Santiago and the Azores move the clock at 00:00, so the
    // 00:xx of their spring day does not exist; Bucharest skips 03:xx and repeats it in October.
    const changes: Record<string, string[]> = {
      'America/Santiago': ['2026-04-05', '2026-09-06'],
      'Atlantic/Azores': ['2026-03-29', '2026-10-25'],
      'Europe/Bucharest': ['2026-03-29', '2026-10-25'],
      'America/New_York': ['2026-03-08', '2026-11-01'],
    };
    const missed: string[] = [];
    for (const [zone, days] of Object.entries(changes)) {
      const localDay = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
      for (const day of days) {
        for (const hour of [23, 0, 1, 2, 3]) {
          // From noon UTC two days before the change, five firings: five consecutive local days.
          let t = new Date(Date.parse(`${day}T12:00:00Z`) - 2 * 86_400_000);
          const fired: string[] = [];
          for (let i = 0; i < 5; i++) fired.push(localDay.format((t = nextFireTime({ cron: `17 ${hour} * * *`, timeZone: zone }, t))));
          const expected = fired.map((_, i) => new Date(Date.parse(fired[0]!) + i * 86_400_000).toISOString().slice(0, 10));
          if (fired.join() !== expected.join()) missed.push(`${zone} ${hour}:17 around ${day}: ${fired.join(' ')}`);
        }
      }
    }
    expect(missed).toEqual([]);
    // The skipped 00:17 fires at the first moment it would have been, an hour later on the new clock (as for 03:17 in Bucharest).
    expect(cronNext('17 0 * * *', at('2026-09-05T12:00:00Z'), 'America/Santiago')).toEqual(at('2026-09-06T04:17:00Z'));
    expect(cronNext('17 3 * * *', at('2026-03-28T12:00:00Z'), 'Europe/Bucharest')).toEqual(at('2026-03-29T01:17:00Z'));
  });
});
