import { buildApp } from './app.js';
import { ConfigError, parseEnv } from './env.js';

let env;
try {
  env = parseEnv();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

let app;
try {
  app = await buildApp(env);
  await app.start();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
if (app.bootstrapToken) {
  // Printed once: the token is stored hashed and cannot be shown again.
  console.log(
    `\n  Development ADMIN token (shown only now; keep it):\n\n    ${app.bootstrapToken}\n\n` +
      `  GraphiQL: ${app.url}/graphql  (add the header  Authorization: Bearer <token>)\n`,
  );
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    app.services.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000).unref();
    app.stop().then(
      () => {
        clearTimeout(force);
        process.exit(0);
      },
      (error) => {
        app.services.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
