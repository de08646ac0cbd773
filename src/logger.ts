import { pino, type Logger, type DestinationStream } from 'pino';
import { PinoPretty } from 'pino-pretty';

/** Longest string kept in a log line; a request can carry megabytes, a log line must not. */
export const MAX_LOGGED_STRING = 4_000;
/** Characters of strings and keys kept per logged object (and per error), however they nest. */
export const MAX_LOGGED_OBJECT = 16_000;
const MAX_ITEMS = 50;
const MAX_DEPTH = 6;

export function capString(value: string, max = MAX_LOGGED_STRING): string {
  return value.length <= max ? value : `${value.slice(0, max)}… [${value.length - max} more characters]`;
}

/** A copy with strings cut and lists shortened within one budget; other objects (errors, dates) are left to pino's serializers. */
function capped(value: unknown, budget = { left: MAX_LOGGED_OBJECT }, depth = 0): unknown {
  if (typeof value === 'string') {
    const kept = capString(value, Math.max(0, Math.min(MAX_LOGGED_STRING, budget.left)));
    budget.left -= kept.length;
    return kept;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return `[${value.length} items]`;
    const out: unknown[] = [];
    for (const item of value) {
      if (out.length >= MAX_ITEMS || budget.left <= 0) return [...out, `… ${value.length - out.length} more`];
      out.push(capped(item, budget, depth + 1));
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  if (depth >= MAX_DEPTH) return '[object]';
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (budget.left <= 0) {
      out['…'] = 'more fields cut';
      break;
    }
    budget.left -= key.length;
    out[key] = capped(v, budget, depth + 1);
  }
  return out;
}

export type LogFormat = 'pretty' | 'json';

/** LOG_FORMAT when set; otherwise readable lines for a person at a terminal, JSON for log collectors (a pipe, a file). */
export function logFormat(setting: LogFormat | undefined, isTTY: boolean | undefined): LogFormat {
  return setting ?? (isTTY ? 'pretty' : 'json');
}

/**
 * Where logs go by default: stdout, written synchronously in either format, so that a line keeps
 * its place among other output (pino's default stdout stream writes later, and the development
 * token printed after the start-up lines would come out before some of them).
 */
function stdoutDestination(format: LogFormat): DestinationStream {
  if (format === 'json') return pino.destination({ dest: 1, sync: true });
  // One line per entry: `HH:MM:ss INFO: message {key: value…}`.
  return PinoPretty({ destination: 1, sync: true, colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true });
}

/**
 * Logs with every string capped: JSON to `destination` (default stdout), or with `format`
 * 'pretty' readable lines on stdout. Secrets are kept out at their source (GraphQL inputs are
 * redacted by type, see src/graphql/secret-redaction.ts); the key paths below are a last guard.
 */
export function createLogger(level: string, destination?: DestinationStream, format: LogFormat = 'json'): Logger {
  return pino(
    {
      level,
      formatters: { log: (object) => capped(object) as Record<string, unknown> },
      serializers: {
        // pino's error serializer returns an object of its own prototype: copy it so its strings are capped too.
        err: (error) => {
          const serialized: unknown = pino.stdSerializers.err(error);
          return capped(serialized && typeof serialized === 'object' ? { ...serialized } : serialized);
        },
        msg: (message: unknown) => (typeof message === 'string' ? capString(message) : message),
      },
      redact: {
        paths: ['*.password', '*.token', '*.secret', '*.apiKey', '*.credentials', '*.authorization', 'req.headers.authorization', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination ?? stdoutDestination(format),
  );
}
