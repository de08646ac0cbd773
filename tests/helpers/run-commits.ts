/**
 * Watching the commits of sync runs from inside the database (deferred constraint triggers), and a
 * run's lines in a test app's captured process log.
 */
import type { TestApp } from './app.js';

/**
 * Runs `body` (plpgsql, with NEW the run) as each transaction that ends a run commits: a constraint
 * trigger deferred to the commit, named `name`, on a run's move to a final status.
 */
export async function atRunEndCommit(prisma: TestApp['app']['services']['prisma'], name: string, body: string) {
  await prisma.$executeRawUnsafe(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${body} RETURN NULL; END $$`);
  await prisma.$executeRawUnsafe(`
    CREATE CONSTRAINT TRIGGER ${name} AFTER UPDATE OF status ON "SyncRun" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
      WHEN (NEW.status::text IN ('SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED') AND OLD.status IS DISTINCT FROM NEW.status)
      EXECUTE FUNCTION ${name}()`);
  return () => prisma.$executeRawUnsafe(`DROP TRIGGER ${name} ON "SyncRun"`);
}

/** The process log's lines about `runId` whose message starts with `message`. */
export function printed(t: TestApp, runId: string, message: string) {
  return t.logs.flatMap((chunk) => chunk.split('\n')).filter((line) => line.includes(runId) && line.includes(`"msg":"${message}`));
}
