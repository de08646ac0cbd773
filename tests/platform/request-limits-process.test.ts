import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSharedDatabase, type SharedDatabase } from '../helpers/app.js';
import { killAllChildren, serviceEnv, startChildService } from '../helpers/child-service.js';

// A probe loaded into the service: on SIGUSR2 it throws from an event handler and leaves a promise rejected.
const probe = `process.on('SIGUSR2', () => { Promise.reject(new Error('probe rejection')); throw new Error('probe exception'); });`;

let db: SharedDatabase;
beforeAll(async () => {
  db = await createSharedDatabase('last-resort');
});
afterAll(async () => {
  await killAllChildren();
  await db?.drop();
});

describe('last-resort handlers', () => {
  it('log an uncaught exception and an unhandled rejection and keep serving', async () => {
    const child = await startChildService({
      env: serviceEnv({ ...db.env, ADMIN_TOKEN: 'last-resort-admin-token-0123456789', NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(probe)}` }),
      token: 'last-resort-admin-token-0123456789',
    });
    child.proc.kill('SIGUSR2');
    await child.waitForOutput(/"msg":"uncaught exception[^"]*"/);
    await child.waitForOutput(/"msg":"unhandled rejection[^"]*"/);
    const lines = child.logs().filter((l) => /^(uncaught exception|unhandled rejection)/.test(l.msg));
    expect(lines.map((l) => l.err?.message).sort()).toEqual(['probe exception', 'probe rejection']);
    expect(lines.every((l) => l.level === 50)).toBe(true);
    expect((await child.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
    expect(child.proc.exitCode).toBeNull();
    await child.kill('SIGTERM');
  }, 150_000); // a child service on PGlite migrates its database first: slow on a busy machine
});
