/**
 * A run's final status and the log line that says how it ended commit together: whoever sees the
 * run SUCCESS, FAILED or CANCELLED (syncRun, syncRunUpdated, the dashboard) finds that line in
 * syncLogs too, never a moment later.
 *
 * Checked inside the database: a deferred trigger runs as each transaction that ends a run commits
 * and records whether that transaction's view already holds the run's final line.
 *
 * A run's lines reach the process log once, when stored: a transaction transact() runs again after
 * a conflict (one injected by a deferred trigger that fails the first commit) prints them once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, waitFor } from '../helpers/catalog.js';
import { syncNow, trigger } from '../helpers/sync.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';

/**
 * Runs `body` (plpgsql, with NEW the run) as each transaction that ends a run commits: a constraint
 * trigger deferred to the commit, named `name`, on a run's move to a final status.
 */
async function atRunEndCommit(prisma: TestApp['app']['services']['prisma'], name: string, body: string) {
  await prisma.$executeRawUnsafe(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${body} RETURN NULL; END $$`);
  await prisma.$executeRawUnsafe(`
    CREATE CONSTRAINT TRIGGER ${name} AFTER UPDATE OF status ON "SyncRun" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
      WHEN (NEW.status::text IN ('SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED') AND OLD.status IS DISTINCT FROM NEW.status)
      EXECUTE FUNCTION ${name}()`);
  return () => prisma.$executeRawUnsafe(`DROP TRIGGER ${name} ON "SyncRun"`);
}

/** Records, at the commit that ends a run, whether that commit holds its final log line. */
async function recordFinalLines(t: TestApp) {
  const prisma = t.app.services.prisma;
  await prisma.$executeRawUnsafe(`CREATE TABLE test_final_line ("runId" uuid, status text, logged boolean)`);
  await atRunEndCommit(prisma, 'test_final_line', `
    INSERT INTO test_final_line VALUES (NEW.id, NEW.status::text, EXISTS (
      SELECT 1 FROM "SyncLog" WHERE "runId" = NEW.id AND (message LIKE 'sync ' || NEW.status::text || '%' OR message LIKE 'cancelled by %')));`);
  return (runId: string) => prisma.$queryRawUnsafe<{ status: string; logged: boolean }[]>(`SELECT status, logged FROM test_final_line WHERE "runId" = $1::uuid`, runId);
}

/** Has the first commit that ends a run fail as a serialization failure does (40001): transact() runs that work again. */
async function conflictOnce(t: TestApp) {
  const prisma = t.app.services.prisma;
  await prisma.$executeRawUnsafe(`CREATE SEQUENCE test_conflict_once`); // not rolled back: counts every commit tried
  const drop = await atRunEndCommit(prisma, 'test_conflict_once', `
    IF nextval('test_conflict_once') = 1 THEN RAISE EXCEPTION 'injected conflict' USING ERRCODE = '40001'; END IF;`);
  return {
    commits: async () => Number((await prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT last_value AS n FROM test_conflict_once`))[0]!.n),
    drop,
  };
}

/** The process log's lines about `runId` whose message starts with `message`. */
function printed(t: TestApp, runId: string, message: string) {
  return t.logs.flatMap((chunk) => chunk.split('\n')).filter((line) => line.includes(runId) && line.includes(`"msg":"${message}`));
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

    // PostgreSQL only: through pglite-prisma-adapter a COMMIT that fails is reported as committed (nothing is run again).
    it.runIf(backend === 'postgres')('a finish run again after a conflict (a deadlock, a serialization failure) logs its line once, in the table and in the process log', async () => {
      const conflict = await conflictOnce(t);
      try {
        const accountId = await createSimAccount(t, sim);
        const run = await syncNow(t, accountId);
        expect(run.status).toBe('SUCCESS');
        expect(await conflict.commits()).toBe(2); // the finish did run twice
        expect(await t.app.services.prisma.syncLog.count({ where: { runId: run.id, message: { startsWith: 'sync SUCCESS' } } })).toBe(1);
        expect(printed(t, run.id, 'sync SUCCESS'), 'the process log').toHaveLength(1);
      } finally {
        await conflict.drop();
      }
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

    it.runIf(backend === 'postgres')('a cancellation run again after a conflict logs its line once, in the table and in the process log', async () => {
      const conflict = await conflictOnce(api);
      try {
        const accountId = await createSimAccount(api, sim);
        const { runs } = await trigger(api, { accountIds: [accountId] });
        const cancelled = dataOf(await api.gql(`mutation($id: ID!) { cancelSyncRun(input: { id: $id }) { run { status } errors { code } } }`, { id: runs[0].id })).cancelSyncRun;
        expect(cancelled).toEqual({ run: { status: 'CANCELLED' }, errors: [] });
        expect(await conflict.commits()).toBe(2);
        expect(await api.app.services.prisma.syncLog.count({ where: { runId: runs[0].id, message: { startsWith: 'cancelled by ' } } })).toBe(1);
        expect(printed(api, runs[0].id, 'cancelled by '), 'the process log').toHaveLength(1);
      } finally {
        await conflict.drop();
      }
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

  // PostgreSQL only, as above.
  describe.runIf(backend === 'postgres')('lines written with the run start and its pages', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ LOG_LEVEL: 'debug' }); // page lines are DEBUG
    });
    afterAll(async () => {
      await t?.close();
    });

    it('reach the process log once when their transaction is run again after a conflict', async () => {
      const prisma = t.app.services.prisma;
      // The first commit of the run's start (sync.started and its line) and of its first page fail with 40001.
      await prisma.$executeRawUnsafe(`CREATE SEQUENCE test_start_once`);
      await prisma.$executeRawUnsafe(`CREATE SEQUENCE test_page_once`);
      await prisma.$executeRawUnsafe(`CREATE FUNCTION test_conflict_at() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF nextval(TG_ARGV[0]) = 1 THEN RAISE EXCEPTION 'injected conflict' USING ERRCODE = '40001'; END IF; RETURN NULL; END $$`);
      await prisma.$executeRawUnsafe(`
        CREATE CONSTRAINT TRIGGER test_start_once AFTER INSERT ON "SyncLog" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
          WHEN (NEW.message LIKE '% sync started %') EXECUTE FUNCTION test_conflict_at('test_start_once')`);
      await prisma.$executeRawUnsafe(`
        CREATE CONSTRAINT TRIGGER test_page_once AFTER UPDATE OF "pagesDone" ON "SyncRun" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
          WHEN (NEW."pagesDone" = 1) EXECUTE FUNCTION test_conflict_at('test_page_once')`);
      const accountId = await createSimAccount(t, sim);
      const run = await syncNow(t, accountId);
      expect(run.status).toBe('SUCCESS');
      const tried = async (seq: string) => Number((await prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT last_value AS n FROM ${seq}`))[0]!.n);
      expect([await tried('test_start_once'), await tried('test_page_once')]).toEqual([2, 2]); // each did run twice
      expect(await prisma.syncLog.count({ where: { runId: run.id, message: { startsWith: 'products page 1/' } } })).toBe(1);
      expect(printed(t, run.id, 'FULL PRODUCTS sync started'), 'the start line in the process log').toHaveLength(1);
      expect(printed(t, run.id, 'products page 1/'), 'the first page line in the process log').toHaveLength(1);
    });
  });
});
