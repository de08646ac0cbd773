/**
 * When a schedule fires next. Pure functions of (timing, time): no clock, no database, so the
 * scheduler, the API and the tests compute the same instants.
 *
 * Cron expressions are the classic 5 fields (minute hour day-of-month month day-of-week), read in
 * the schedule's IANA time zone (default UTC; "0 2 * * *" in Europe/Bucharest is 02:00 there,
 * summer time or not), parsed by cron-parser (the parser node-schedule itself uses). Intervals run
 * on a grid: anchor + k × interval, so a late or missed firing does not shift later ones (the zone
 * does not apply to them).
 */
import { createHash } from 'node:crypto';
import cronParser from 'cron-parser';
import { isTimeZone, offsetAt, wallClockInstant } from '../shared/time-zone.js';

/** Shortest interval the API accepts: anything shorter is a busy loop, not a schedule. */
export const MIN_INTERVAL_SECONDS = 10;
/** Longest interval the API accepts (31 days); use a cron expression beyond that. */
export const MAX_INTERVAL_SECONDS = 31 * 24 * 3600;

export interface Timing {
  cron?: string | null;
  intervalSeconds?: number | null;
  /** The IANA zone `cron` is read in; default UTC. */
  timeZone?: string | null;
}

/** Why a cron expression is unusable, or null when it is fine. */
export function cronProblem(expression: string, timeZone = 'UTC'): string | null {
  if (!isTimeZone(timeZone)) return `unknown time zone "${timeZone}"`;
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return `must have 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  try {
    // next() also catches expressions that parse but never match (e.g. 30 February).
    cronParser.parseExpression(fields.join(' '), { tz: timeZone, currentDate: new Date(0) }).next();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The first cron match strictly after `after`, the expression read in `timeZone`. A local time the
 * clock skips (summer time) fires when it would have, on the new clock (03:17 skipped in Bucharest
 * fires at 04:17); a repeated one fires once (except in Lord Howe's and Chatham's odd steps, where
 * cron-parser may fire it on both passes). cron-parser does both, except when the skipped hour
 * is midnight (Santiago, the Azores, Beirut, Cairo): it drops that day, so the day's match is
 * looked for on the wall clock too (localNext) and the earlier of the two taken.
 */
export function cronNext(expression: string, after: Date, timeZone = 'UTC'): Date {
  const next = cronParser.parseExpression(expression.trim(), { tz: timeZone, currentDate: after }).next().toDate();
  const local = localNext(expression, after, timeZone);
  return local && local < next ? local : next;
}

/** The next cron match strictly after `after` read on `zone`'s wall clock; null in UTC (no skipped times). */
function localNext(expression: string, after: Date, timeZone: string): Date | null {
  if (/^(etc\/)?(utc|gmt)$/i.test(timeZone)) return null;
  let wall = new Date(after.getTime() + offsetAt(after.getTime(), timeZone));
  // A repeated time already passed maps before `after`: go on to the next match (twice at most in practice).
  for (let i = 0; i < 4; i++) {
    wall = cronParser.parseExpression(expression.trim(), { tz: 'UTC', currentDate: wall }).next().toDate();
    const instant = wallClockInstant(wall.getTime(), timeZone);
    if (instant > after.getTime()) return new Date(instant);
  }
  return null;
}

/**
 * The first fire time strictly after `after`. Intervals stay on the grid of `anchor` (the fire time
 * being replaced, or a default's spread offset); without an anchor the grid starts at `after`.
 */
export function nextFireTime(timing: Timing, after: Date, anchor?: Date | null): Date {
  if (timing.cron) return cronNext(timing.cron, after, timing.timeZone ?? 'UTC');
  const seconds = timing.intervalSeconds;
  if (!seconds || seconds < 1) throw new Error('a schedule needs a cron expression or a positive interval');
  const step = seconds * 1000;
  const origin = (anchor ?? after).getTime();
  const k = Math.floor((after.getTime() - origin) / step) + 1;
  return new Date(origin + k * step);
}

/** A stable number in [0, modulo) derived from `seed` (an account id): spreads accounts over the hour. */
export function spreadOffset(seed: string, modulo: number): number {
  return createHash('sha256').update(seed).digest().readUInt32BE(0) % modulo;
}
