/**
 * A run's final status and the log line that says how it ended commit together: whoever sees the
 * run SUCCESS, FAILED or CANCELLED (syncRun, syncRunUpdated, the dashboard) finds that line in
 * syncLogs too, never a moment later.
 *
 * Checked inside the database: a deferred trigger runs as each transaction that ends a run commits
 * and records whether that transaction's view already holds the run's final line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, waitFor } from '../helpers/catalog.js';
import { atRunEndCommit } from '../helpers/run-commits.js';
import { syncNow, trigger } from '../helpers/sync.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';

/** Records, at the commit that ends a run, whether that commit holds its final log line. */
async function recordFinalLines(t: TestApp) {
  const prisma = t.app.services.prisma;
  await prisma.$executeRawUnsafe(`CREATE TABLE test_final_line ("runId" uuid, status text, logged boolean)`);
  await atRunEndCommit(prisma, 'test_final_line', `
    INSERT INTO test_final_line VALUES (NEW.id, NEW.status::text, EXISTS (
      SELECT 1 FROM "SyncLog" WHERE "runId" = NEW.id AND (message LIKE 'sync ' || NEW.status::text || '%' OR message LIKE 'cancelled by %')));`);
  return (runId: string) => prisma.$queryRawUnsafe<{ status: string; logged: boolean }[]>(`SELECT status, logged FROM test_final_line WHERE "runId" = $1::uuid`, runId);
}

describe("a run's final status and its final log line", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startFastSimulator('STOREFRONT', { offers: 300, seed: 5 });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  describe('ended by its worker', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(async () => {
      await t?.close();
    });

    it('commit together, SUCCESS or PARTIAL', async () => {
      const finalLines = await recordFinalLines(t);
      const accountId = await createSimAccount(t, sim);
      const ok = await syncNow(t, accountId);
      expect(ok.status).toBe('SUCCESS');
      expect(await finalLines(ok.id)).toEqual([{ status: 'SUCCESS', logged: true }]);

      sim.setFaults({ malformedPages: [2] });
      try {
        const partial = await syncNow(t, accountId);
        expect(partial.status).toBe('PARTIAL');
        expect(await finalLines(partial.id)).toEqual([{ status: 'PARTIAL', logged: true }]);
      } finally {
        sim.setFaults({});
      }
    });
  });

  describe('cancelled while no worker runs it', () => {
    let api: TestApp;
    beforeAll(async () => {
      api = await startTestApp({ ROLE: 'api' }); // takes the trigger, runs no sync
    });
    afterAll(async () => {
      await api?.close();
    });

    it('commit together', async () => {
      const finalLines = await recordFinalLines(api);
      const accountId = await createSimAccount(api, sim);
      const { runs, errors } = await trigger(api, { accountIds: [accountId] });
      expect(errors).toEqual([]);
      const cancelled = dataOf(await api.gql(`mutation($id: ID!) { cancelSyncRun(input: { id: $id }) { run { status } errors { code } } }`, { id: runs[0].id })).cancelSyncRun;
      expect(cancelled).toEqual({ run: { status: 'CANCELLED' }, errors: [] });
      expect(await waitFor(async () => (await finalLines(runs[0].id)).length > 0 && finalLines(runs[0].id))).toEqual([{ status: 'CANCELLED', logged: true }]);
    });
  });
});
