/**
 * eMAG dates are `YYYY-mm-dd HH:ii:ss` on the wall clock of the platform's country, with no
 * offset (API v4.4.9 gives campaign dates as `Europe/Bucharest`; a working .bg client converts its
 * filters to `Europe/Sofia`). This file turns them into instants and back for one IANA zone (the
 * account's zone: platform.ts).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** The zone's offset from UTC at instant `ms`, in ms (e.g. +3 h in Bucharest's summer). */
export function offsetAt(ms: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const part of wallClockFormat(zone).formatToParts(ms)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

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
  const asUtc = Date.parse(`${value.replace(' ', 'T')}Z`);
  const before = offsetAt(asUtc - 86_400_000, zone);
  const after = offsetAt(asUtc + 86_400_000, zone);
  const candidates = [asUtc - before, asUtc - after].filter((ms) => offsetAt(ms, zone) === asUtc - ms);
  return new Date(candidates.length > 0 ? Math.min(...candidates) : asUtc - before);
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
