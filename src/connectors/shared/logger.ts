/** The slice of pino's API the connectors use, so any pino logger (or child) can be injected. */
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child?: (bindings: Record<string, unknown>) => Logger;
}

const noop: LogFn = () => {};

export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

export function childLogger(logger: Logger | undefined, bindings: Record<string, unknown>): Logger {
  if (!logger) return silentLogger;
  return logger.child ? logger.child(bindings) : logger;
}
