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
