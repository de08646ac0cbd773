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
  // Yoga logs several debug lines per request: their text is built only when the level is on.
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...a: unknown[]) => {
      if (logger.isLevelEnabled(level)) logger[level](text(a));
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: (...a) => {
      if (a.length === 1 && a[0] instanceof Error) {
        if (logger.isLevelEnabled('debug')) logger.debug(`GraphQL error masked: ${a[0].message}`);
      } else if (logger.isLevelEnabled('error')) logger.error(text(a));
    },
  };
}
