/** A lone UTF-16 surrogate: not Unicode, and stored as U+FFFD if let through. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a piece of text cannot be taken, or null: PostgreSQL cannot store NUL, and a lone surrogate is not Unicode. */
export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000)';
  // Refused rather than silently changed.
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  return null;
}

/** The text without NUL characters and lone surrogates, for names a client gives that are kept as they come (file names). */
export const withoutIllFormed = (text: string) => text.replace(new RegExp(`\\u0000|${LONE_SURROGATE.source}`, 'g'), '');
