/**
 * /readyz with Redis down (issue 12, finding 3: "/readyz reports Redis DOWN (DEGRADED for api
 * instances)"). A worker is DOWN (503): its run progress and events no longer reach the api
 * instances' subscribers, and no load balancer depends on it. api and all stay DEGRADED (200): they
 * still serve every query and mutation, and pulling every instance sharing the one Redis would turn
 * a partial outage into a full one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createSharedDatabase, startTestApp, type TestApp } from '../helpers/app.js';
import { closedPort } from '../helpers/ports.js';

const apps: TestApp[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const app of apps) await app.close().catch(() => {});
  for (const cleanup of cleanups) await cleanup().catch(() => {});
});

const readyz = async (app: TestApp) => {
  const res = await fetch(`${app.url}/readyz`);
  return { status: res.status, body: (await res.json()) as any };
};

// Roles share one database, so this file runs on PostgreSQL only (vitest.config.ts); the rule does not depend on the backend.
describe('/readyz with Redis unreachable', () => {
  it('ROLE=worker answers DOWN (503); ROLE=api answers DEGRADED (200, like ROLE=all, the chaos test\'s child); both with redis "down" and the database up', async () => {
    const shared = await createSharedDatabase('redis-readiness');
    cleanups.push(() => shared.drop());
    const REDIS_URL = `redis://127.0.0.1:${await closedPort()}`;
    const start = async (ROLE: string) => {
      const app = await startTestApp({ ...shared.env, REDIS_URL, ROLE, SYNC_POLL_MS: '60000' });
      apps.push(app);
      return app;
    };
    const worker = await start('worker');
    const api = await start('api');
    expect(await readyz(worker)).toMatchObject({ status: 503, body: { status: 'DOWN', database: 'up', redis: 'down' } });
    expect(await readyz(api)).toMatchObject({ status: 200, body: { status: 'DEGRADED', database: 'up', redis: 'down' } });
  });
});
