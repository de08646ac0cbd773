/**
 * Secret scrubbing. Every string the connectors put into an error message or a log line passes
 * through a Redactor built from the account's credentials (and the header values derived from
 * them), so a server that echoes a token back cannot leak it into our logs.
 */
const MIN_SECRET_LENGTH = 4;

export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: Iterable<string>) {
    // Longest first, so a derived value (base64 of user:password) is replaced before its parts.
    this.secrets = [...new Set([...secrets].filter((s) => s.length >= MIN_SECRET_LENGTH))].sort(
      (a, b) => b.length - a.length,
    );
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
    }
    return out;
  }
}

/**
 * One line of at most `max` characters (code points) with control and format characters (NUL,
 * escape sequences, bidi overrides, zero-width marks) turned into spaces: what a remote server
 * said, made safe to show to a user or write to a log.
 */
export function oneLine(text: string, max: number): string {
  // Only the head is looked at: a multi-megabyte body costs no more than a short one.
  const head = text.length > max * 8 ? text.slice(0, max * 8) : text;
  const flat = head.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\s]+/gu, ' ').trim();
  const chars = Array.from(flat);
  return chars.length > max || head !== text ? `${chars.slice(0, max).join('')}…` : flat;
}

/** A short, single-line, redacted excerpt of a response body for error messages. */
export function excerpt(redactor: Redactor, text: string, max = 200): string {
  return oneLine(redactor.redact(text), max);
}
