import type { Logger } from 'pino';

type YogaLogging = Record<'debug' | 'info' | 'warn' | 'error', (...args: unknown[]) => void>;

const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');

/**
 * Yoga's own log calls, into the service's logger (which caps long strings). Yoga logs at error level
 * every error its masking replaced; our maskError has already logged the unexpected ones and the rest
 * are bad input, so those go to debug. Never String(error): a GraphQLError prints the request's
 * document around its location, literals and all.
 */
export function yogaLogging(logger: Logger): YogaLogging {
  return {
    debug: (...a) => logger.debug(text(a)),
    info: (...a) => logger.info(text(a)),
    warn: (...a) => logger.warn(text(a)),
    error: (...a) => (a.length === 1 && a[0] instanceof Error ? logger.debug(`GraphQL error masked: ${a[0].message}`) : logger.error(text(a))),
  };
}
