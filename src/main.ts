import type { App } from './app.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { ConfigError, parseEnv, type Env } from './env.js';

/** A service that cannot start says why and exits 1, so a supervisor sees the failure (never 0, never a hang). */
function exitOnStartupError(error: unknown): never {
  if (error instanceof ConfigError) console.error(error.message);
  // Another process holds the embedded database: a refusal to explain, not a crash to trace.
  else if (error instanceof DataDirLockedError) console.error(`Stockline failed to start: ${error.message} Stop the other process first, or give this one its own DATA_DIR.`);
  else console.error('Stockline failed to start:', error);
  process.exit(1);
}

let env: Env;
try {
  env = parseEnv();
} catch (error) {
  exitOnStartupError(error);
}

// Signals are handled from the first moment: one that arrives while starting up stops the
// service as soon as it is up (migrations are not cut in half), instead of killing it mid-way.
let app: App | undefined;
/** Set once start() has returned (the port opens before the workers start, see app.ts). */
let started = false;
let stopRequested: NodeJS.Signals | undefined;
let stopping = false;

function shutdown(signal: NodeJS.Signals) {
  if (stopping || !app) return;
  stopping = true;
  app.services.logger.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 30_000).unref();
  app.stop().then(
    () => {
      clearTimeout(force);
      process.exit(0);
    },
    (error) => {
      app!.services.logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
}

// Last resort: an error no handler caught (a throw in an event callback, a promise nobody awaited)
// is logged and the service keeps serving. Exiting would turn one bad callback into an outage for
// every client; a supervisor still restarts the process if it does die. Before the service listens
// there is nothing to keep serving: such an error is a failed start.
function lastResort(kind: 'uncaught exception' | 'unhandled rejection') {
  return (error: unknown) => {
    const err = error instanceof Error ? error : new Error(String(error));
    if (!started || !app) exitOnStartupError(err);
    app.services.logger.error({ err }, `${kind}; still serving`);
  };
}
process.on('uncaughtException', lastResort('uncaught exception'));
process.on('unhandledRejection', lastResort('unhandled rejection'));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => (started ? shutdown(signal) : (stopRequested = signal)));
}

try {
  // Imported only now, so the handlers above are in place while the heavy modules load.
  const { buildApp } = await import('./app.js');
  app = await buildApp(env);
  await app.start();
  started = true;
} catch (error) {
  exitOnStartupError(error);
}
if (app.bootstrapToken) {
  // Printed once: the token is stored hashed and cannot be shown again. Printed after the start-up
  // lines (logs are written synchronously, src/logger.ts), so it is what a newcomer sees last.
  console.log(
    `\n  Development ADMIN token (shown only now; keep it):\n\n    ${app.bootstrapToken}\n\n` +
      `  GraphiQL: ${app.url}/graphql  (add the header  Authorization: Bearer <token>)\n`,
  );
}
if (stopRequested) shutdown(stopRequested);
