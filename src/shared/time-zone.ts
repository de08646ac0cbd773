/** Whether the runtime knows `zone` as an IANA time zone (Intl refuses any other). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(zone: string): Intl.DateTimeFormat {
  let format = wallClockFormats.get(zone);
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
    wallClockFormats.set(zone, format);
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

/**
 * The instant (ms) a wall-clock time happens in `zone`, the time given as ms with its UTC fields
 * read as the zone's clock. In the hour a fall-back repeats, the earlier of the two; in the hour a
 * spring-forward skips, the time read with the offset before the change (02:30 → 03:30 happens as
 * 04:30), as java.time does.
 */
export function wallClockInstant(wall: number, zone: string): number {
  // Changes are months apart: the offsets a day either side are the two the time can have.
  const before = offsetAt(wall - 86_400_000, zone);
  const after = offsetAt(wall + 86_400_000, zone);
  const candidates = [wall - before, wall - after].filter((ms) => offsetAt(ms, zone) === wall - ms);
  return candidates.length > 0 ? Math.min(...candidates) : wall - before;
}
