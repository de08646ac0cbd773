/**
 * eMAG dates are `YYYY-mm-dd HH:ii:ss` on the wall clock of the platform's country, with no
 * offset (API v4.4.9 gives campaign dates as `Europe/Bucharest`; a working .bg client converts its
 * filters to `Europe/Sofia`). This file turns them into instants and back for one IANA zone (the
 * account's zone: platform.ts).
 */
import { offsetAt, wallClockInstant } from '../../shared/time-zone.js';

/** An instant shifted by an offset, written as eMAG writes dates. */
const writeShifted = (ms: number, offset: number): string => new Date(ms + offset).toISOString().slice(0, 19).replace('T', ' ');

export function formatEmagDate(date: Date, zone: string): string {
  return writeShifted(date.getTime(), offsetAt(date.getTime(), zone));
}

/**
 * The instant a wall-clock time stands for. In the hour a DST fall-back repeats, the earlier of
 * the two; in the hour a spring-forward skips, the time is read with the offset before the change
 * (02:30 → 03:30 happens as 04:30), as java.time and the platform's PHP do.
 */
export function parseEmagDate(value: string, zone: string): Date {
  return new Date(wallClockInstant(Date.parse(`${value.replace(' ', 'T')}Z`), zone));
}

/**
 * modifiedAfter/modifiedBefore texts for the instants [from, to]. eMAG compares wall-clock texts,
 * and a fall-back inside the window makes them go back an hour: the bounds use the smaller offset
 * for the start and the larger for the end, so no instant of the window falls outside (at most an
 * hour of orders around a fall-back is read twice, which the caller tolerates).
 */
export function windowBounds(from: number, to: number, zone: string): { after: string; before: string } {
  const offsets = [offsetAt(from, zone), offsetAt(to, zone)];
  return { after: writeShifted(from, Math.min(...offsets)), before: writeShifted(to, Math.max(...offsets)) };
}

const wallMs = (text: string): number => Date.parse(`${text.replace(' ', 'T')}Z`);

/** A wall-clock text one calendar month later, the day clamped to that month's last (Jan 31 → Feb 28/29). */
export function addCalendarMonth(text: string): string {
  const start = new Date(wallMs(text));
  const [year, month] = [start.getUTCFullYear(), start.getUTCMonth() + 1];
  const day = Math.min(start.getUTCDate(), new Date(Date.UTC(year, month + 1, 0)).getUTCDate());
  return writeShifted(Date.UTC(year, month, day, start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds()), 0);
}

/**
 * The modified window starting at instant `from`, ending at `now` at the latest: its texts
 * (windowBounds, widened over a fall-back) are at most one calendar month less a second apart, as
 * v4.4.9 says "Maximum 1 month difference" (read strictly: from January 29th–31st the latest end is
 * February's last day, not 30 or 31 days later). `end` is the instant the next window follows.
 */
export function monthWindow(from: number, now: number, zone: string): { end: number; after: string; before: string } {
  let end = Math.max(from, now);
  // Each pass moves the end back by the excess (whole seconds); the offsets differ by an hour at most,
  // so two passes settle it. The bound only guards the loop: 27 days and an hour fit any month.
  for (let pass = 0; pass < 8; pass++) {
    const bounds = windowBounds(from, end, zone);
    const excess = wallMs(bounds.before) - (wallMs(addCalendarMonth(bounds.after)) - 1000);
    if (excess <= 0) return { end, ...bounds };
    end = Math.max(from, end - excess);
  }
  end = Math.min(Math.max(from, now), from + 27 * 86_400_000);
  return { end, ...windowBounds(from, end, zone) };
}
