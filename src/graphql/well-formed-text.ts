/** Why a piece of text cannot be taken, or null: PostgreSQL cannot store NUL, and a lone surrogate is not Unicode. */
export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000)';
  // A lone UTF-16 surrogate would be stored as U+FFFD: refused rather than silently changed.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  return null;
}
