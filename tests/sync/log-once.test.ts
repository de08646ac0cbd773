/**
 * A run's lines reach the process log once, when they are stored: a transaction that transact()
 * runs again after a conflict (a deadlock, a serialization failure; here one injected by a deferred
 * trigger that fails the first commit) prints its lines once, not once per try.
 *
 * PostgreSQL only (vitest.config.ts): through pglite-prisma-adapter a COMMIT that fails is reported
 * as committed, so nothing is run again there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount } from '../helpers/catalog.js';
import { atRunEndCommit, printed } from '../helpers/run-commits.js';
import { syncNow, trigger } from '../helpers/sync.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';

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

describe("a run's lines, when their transaction is run again after a conflict", () => {
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

    it('a finish run again after a conflict (a deadlock, a serialization failure) logs its line once, in the table and in the process log', async () => {
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
  });

  describe('cancelled while no worker runs it', () => {
    let api: TestApp;
    beforeAll(async () => {
      api = await startTestApp({ ROLE: 'api' }); // takes the trigger, runs no sync
    });
    afterAll(async () => {
      await api?.close();
    });

    it('a cancellation run again after a conflict logs its line once, in the table and in the process log', async () => {
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
  });

  describe('lines written with the run start and its pages', () => {
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
