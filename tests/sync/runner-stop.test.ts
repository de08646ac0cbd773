import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { AppServices } from '../../src/core/services.js';
import { startSyncRunner, type SyncRunner } from '../../src/modules/sync/sync-runner.js';

// A database with a backlog of waiting runs, in memory: only the claim answers; every other
// statement fails (the claimed run's executor and its release then give up at once).
function backlogDatabase(onClaim: (claims: number) => void) {
  let claims = 0;
  const fail = () => Promise.reject(new Error('not in this test'));
  const prisma = new Proxy(
    {
      $queryRawUnsafe: async (sql: string) => {
        if (!sql.includes('WITH picked')) return [];
        claims++;
        onClaim(claims);
        return [{ id: `00000000-0000-4000-8000-00000000000${claims}`, status: 'RUNNING', percent: 0, pagesDone: 0, resumedCount: 0, crashCount: 0 }];
      },
    },
    { get: (target, key) => (key in target ? (target as any)[key] : new Proxy(fail, { get: () => fail })) },
  );
  return { prisma, claims: () => claims };
}

describe('sync runner stop', () => {
  it('stops claiming as soon as it is stopping: the backlog stays waiting for the next process', async () => {
    let runner: SyncRunner | undefined;
    let stopping: Promise<void> | undefined;
    const db = backlogDatabase((claims) => {
      if (claims === 1) stopping = runner!.stop();
    });
    const logger = pino({ level: 'silent' });
    const services = { prisma: db.prisma, logger, events: new Proxy({}, { get: () => () => {} }), commitHooks: { beforeCommit: [], afterCommit: [] } } as unknown as AppServices;
    runner = startSyncRunner(services, { concurrency: 4, pollMs: 10 });
    for (let i = 0; i < 200 && !stopping; i++) await new Promise((r) => setTimeout(r, 5));
    await stopping;
    expect(db.claims()).toBe(1);
  });
});
