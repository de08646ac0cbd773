/**
 * The fan-out bench's Stockline, in its own process (forked by bench/fanout.bench.ts, a fresh one
 * per client count, as bench/fanout/bare-server.ts is for the baseline) so its memory is its own:
 * NODE_ENV=production, ROLE=api, no sandbox, the embedded event bus, on the scratch database
 * named in STOCKLINE_DATABASE_URL, the bench's admin token in ADMIN_TOKEN.
 *
 * Messages from the parent: {cmd:'publish', event} → publishes it with `at` stamped now;
 * {cmd:'memory'} → {memory} (settled, bench/fanout/memory.ts); {cmd:'cpu'} → {cpu} (µs used so far);
 * {cmd:'stop'} → {stopped}.
 */
import { randomBytes } from 'node:crypto';
import { buildApp } from '../../src/app.js';
import { parseEnv } from '../../src/env.js';
import { cpuMicros, settledMemory } from './memory.js';

const high = String(1e9);
const app = await buildApp(
  parseEnv({
    DATABASE_URL: process.env.STOCKLINE_DATABASE_URL,
    ADMIN_TOKEN: process.env.ADMIN_TOKEN,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SANDBOX: 'false',
    SCHEDULER_ENABLED: 'false',
    NODE_ENV: 'production',
    ROLE: 'api',
    CREDENTIALS_KEY: randomBytes(32).toString('base64'),
    API_RATE_LIMIT_PER_MINUTE: high,
    API_ANONYMOUS_RATE_LIMIT_PER_MINUTE: high,
  }),
);
await app.start();

process.on('message', async (message: any) => {
  try {
    if (message.cmd === 'publish') app.services.events.publishSyncProgress({ ...message.event, at: new Date().toISOString() });
    else if (message.cmd === 'memory') process.send!({ memory: await settledMemory() });
    else if (message.cmd === 'cpu') process.send!({ cpu: cpuMicros() });
    else if (message.cmd === 'stop') {
      await app.stop();
      process.send!({ stopped: true });
    }
  } catch (error) {
    process.send!({ error: String(error) });
  }
});
process.send!({ url: app.url.replace(/^http/, 'ws') + '/graphql' });
