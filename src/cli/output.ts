/** How the CLI prints: aligned plain-text tables for people, JSON for scripts, compact times. */

/** Prints `value` as indented JSON (for `--json`). */
export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/** Columns padded to their widest cell, two spaces apart; no trailing spaces. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** 2026-01-31T08:00:00.000Z → "2026-01-31 08:00:00Z"; null → "-". */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Milliseconds as "850 ms", "2.3 s", "4 min 05 s", "2 h 03 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** A moment relative to now, to the largest unit: "in 4 min", "3 h ago", "12 s ago", "now". */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const delta = new Date(iso).getTime() - now;
  const abs = Math.abs(delta);
  if (abs < 1000) return 'now';
  const text = abs < 60_000 ? `${Math.round(abs / 1000)} s` : formatDuration(abs).replace(/ \d+ (s|min)$/, '');
  return delta > 0 ? `in ${text}` : `${text} ago`;
}

export const yesNo = (value: boolean) => (value ? 'yes' : 'no');
