/**
 * A worker reaps its own runs too (issue 12, finding 2): a run left RUNNING under this instance's
 * id, with a stale heartbeat, that this instance is not executing (its executor failed and the
 * release never landed) is marked INTERRUPTED and resumed, like any other instance's orphan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount } from '../helpers/catalog.js';
import { waitForRun } from '../helpers/sync.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import type { SyncRunner } from '../../src/modules/sync/sync-runner.js';

let t: TestApp;
let sim: Simulator;

beforeAll(async () => {
  t = await startTestApp({ SYNC_HEARTBEAT_MS: '200', SYNC_STALE_AFTER_MS: '1000', SYNC_POLL_MS: '200' });
  sim = await startFastSimulator('STOREFRONT', { offers: 30, seed: 12 });
});
afterAll(async () => {
  await t?.close();
  await sim?.stop();
});

describe('own orphaned runs', () => {
  it('a RUNNING run owned by this instance but not executed by it is reaped once its heartbeat is stale and resumed to SUCCESS', async () => {
    const accountId = await createSimAccount(t, sim, 'own orphan');
    const runner = t.app.services.syncRunner as SyncRunner;
    const orphan = await t.app.services.prisma.syncRun.create({
      data: {
        accountId,
        activeKey: accountId,
        scope: 'PRODUCTS',
        mode: 'FULL',
        conflictStrategy: 'REMOTE_PRIORITY',
        triggeredBy: 'test',
        status: 'RUNNING',
        ownerId: runner.instanceId,
        heartbeatAt: new Date(Date.now() - 5000),
        startedAt: new Date(Date.now() - 6000),
      },
    });
    const run = await waitForRun(t, orphan.id, 20_000);
    expect(run.status).toBe('SUCCESS');
    const row = await t.app.services.prisma.syncRun.findUniqueOrThrow({ where: { id: orphan.id } });
    expect(row.resumedCount).toBe(1);
    expect(row.activeKey).toBeNull();
  });
});
