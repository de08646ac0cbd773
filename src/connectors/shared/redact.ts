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

/** A short, single-line, redacted excerpt of a response body for error messages. */
export function excerpt(redactor: Redactor, text: string, max = 200): string {
  const flat = redactor.redact(text).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
