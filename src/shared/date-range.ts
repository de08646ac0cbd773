import { z } from 'zod';

/**
 * Dates and times taken from requests and files stay within years 1000–9999: PostgreSQL has no
 * year 0 and stops at 294276, and a period derived from an early date (30 days before it, say) must
 * still be a date it can store. No business date of this service lies outside.
 */
export const MIN_YEAR = 1000;
export const MAX_YEAR = 9999;

/** Why a date cannot be taken, or null. */
export function dateProblem(date: Date): string | null {
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime())) return 'is not a valid date';
  return year < MIN_YEAR || year > MAX_YEAR ? `must be between the years ${MIN_YEAR} and ${MAX_YEAR}` : null;
}

/** The date when it can be taken, else why not, quoting it: `must be between …, got "0999-12-31T…"`. */
export function storableDate(date: Date): Date | string {
  const problem = dateProblem(date);
  return problem ? `${problem}, got ${JSON.stringify(Number.isNaN(date.getTime()) ? String(date) : date.toISOString())}` : date;
}

/**
 * How the ends of a range are quoted: `instant` (DateTime) as ISO 8601, `day` (Date) as
 * YYYY-MM-DD.
 */
export type RangeUnit = 'instant' | 'day';

const quote = (date: Date, unit: RangeUnit) => (unit === 'day' ? date.toISOString().slice(0, 10) : date.toISOString());

/**
 * The one rule for a time range given by two optional ends: it may not end before it starts (no
 * row could match: the caller's mistake, not "nothing found"). Equal ends are allowed: an empty
 * range where the end is excluded, one day where days are included. Why not, naming the end and
 * quoting both values ("until (…) is before since (…)"), or null.
 */
function reversedRange(start: Date | null | undefined, end: Date | null | undefined, names: readonly [start: string, end: string], unit: RangeUnit = 'instant'): string | null {
  if (!start || !end || end.getTime() >= start.getTime()) return null;
  return `${names[1]} (${quote(end, unit)}) is before ${names[0]} (${quote(start, unit)})`;
}

/** The same rule as a zod refinement of an object holding both ends; the issue is on the end. */
export function orderedEnds(startKey: string, endKey: string, unit: RangeUnit = 'instant') {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const problem = reversedRange(value[startKey] as Date | null | undefined, value[endKey] as Date | null | undefined, [startKey, endKey], unit);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [endKey] });
  };
}

/** A zod schema checking only a range's two ends (Dates) of an object; its other keys pass through. */
export function timeRange(startKey: string, endKey: string, unit: RangeUnit = 'instant') {
  return z.looseObject({ [startKey]: z.date().nullish(), [endKey]: z.date().nullish() }).superRefine(orderedEnds(startKey, endKey, unit));
}

/** What an end field's description says of the rule (GraphQL descriptions repeat it on every end). */
export const rangeEndRule = (startKey: string) =>
  `Not before \`${startKey}\`: a range that ends before it starts is refused, naming this field (a query: BAD_USER_INPUT with reason VALIDATION; a mutation: a VALIDATION error in its payload); equal ends are allowed.`;
