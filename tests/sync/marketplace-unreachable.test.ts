/**
 * A marketplace that refuses connections is the page's failure, not a database outage (issue 12,
 * finding 2): the run ends (PARTIAL with no page read, which health counts as a failure) with the reason, instead of being released and resumed
 * forever because the connector's NetworkError carries an ECONNREFUSED cause.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { trigger, waitForRun } from '../helpers/sync.js';
import { closedPort } from '../helpers/ports.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ SYNC_HEARTBEAT_MS: '200', SYNC_STALE_AFTER_MS: '1000', SYNC_POLL_MS: '200' }, { syncRunner: { pageRetryDelayMs: 10 } });
});
afterAll(() => t?.close());

it('a sync of an account whose marketplace refuses connections ends with its page failures, not resumed again and again', async () => {
  const account = await t.app.services.prisma.marketplaceAccount.create({
    data: { channel: 'STOREFRONT', name: 'unreachable', baseUrl: `http://127.0.0.1:${await closedPort()}`, credentialsEncrypted: t.app.services.cipher.encrypt({ token: 'x' }) },
  });
  const { runs: [run] } = await trigger(t, { accountIds: [account.id], mode: "FULL", scope: "PRODUCTS" });
  const done = await waitForRun(t, run.id, 45_000);
  expect({ status: done.status, pagesDone: done.pagesDone }).toEqual({ status: 'PARTIAL', pagesDone: 0 });
  const logged = await t.app.services.prisma.syncLog.findMany({ where: { runId: run.id, level: 'ERROR' } });
  expect(logged.map((l) => l.message).join('\n')).toMatch(/connection failed|ECONNREFUSED/i);
  const row = await t.app.services.prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } });
  expect({ resumedCount: row.resumedCount, crashCount: row.crashCount }).toEqual({ resumedCount: 0, crashCount: 0 });
});
