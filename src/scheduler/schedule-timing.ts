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
import { isTimeZone } from '../shared/time-zone.js';

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

/** The first cron match strictly after `after`, the expression read in `timeZone`. */
export function cronNext(expression: string, after: Date, timeZone = 'UTC'): Date {
  return cronParser.parseExpression(expression.trim(), { tz: timeZone, currentDate: after }).next().toDate();
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
