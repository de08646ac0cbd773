import { pino, type Logger, type DestinationStream } from 'pino';

/** Longest string kept in a log line; a request can carry megabytes, a log line must not. */
export const MAX_LOGGED_STRING = 4_000;
const MAX_ITEMS = 50;
const MAX_DEPTH = 6;

export function capString(value: string): string {
  return value.length <= MAX_LOGGED_STRING ? value : `${value.slice(0, MAX_LOGGED_STRING)}… [${value.length - MAX_LOGGED_STRING} more characters]`;
}

/** A copy with long strings cut and long lists shortened; other objects (errors, dates) are left to pino's serializers. */
function capped(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return capString(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return `[${value.length} items]`;
    const head = value.slice(0, MAX_ITEMS).map((v) => capped(v, depth + 1));
    return value.length > MAX_ITEMS ? [...head, `… ${value.length - MAX_ITEMS} more`] : head;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  if (depth >= MAX_DEPTH) return '[object]';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = capped(v, depth + 1);
  return out;
}

/**
 * JSON logs with every string capped. Secrets are kept out at their source (GraphQL inputs are
 * redacted by type, see src/graphql/secret-redaction.ts); the key paths below are a last guard.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      formatters: { log: (object) => capped(object) as Record<string, unknown> },
      serializers: { err: (error) => capped(pino.stdSerializers.err(error)), msg: (message: unknown) => (typeof message === 'string' ? capString(message) : message) },
      redact: {
        paths: ['*.password', '*.token', '*.secret', '*.apiKey', '*.credentials', '*.authorization', 'req.headers.authorization', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
