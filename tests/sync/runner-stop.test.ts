import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { AppServices } from '../../src/core/services.js';
import { startSyncRunner, type SyncRunner } from '../../src/modules/sync/sync-runner.js';

const fakeRun = (n: number) => ({ id: `00000000-0000-4000-8000-00000000000${n}`, status: 'RUNNING', percent: 0, pagesDone: 0, resumedCount: 0, crashCount: 0 });

// A database in memory with `backlog` waiting runs: the claim, the reap and the heartbeat answer;
// every other statement fails (so a claimed run's executor throws, and its release keeps failing).
function fakeDatabase(backlog: number, onClaim: (claims: number) => void = () => {}) {
  let claims = 0;
  let beats = 0;
  // Heartbeats counted when each failing statement (the executor's, then every release attempt) ran.
  const beatsAtFailure: number[] = [];
  const fail = () => {
    beatsAtFailure.push(beats);
    return Promise.reject(new Error('not in this test'));
  };
  const prisma = new Proxy(
    {
      $queryRawUnsafe: async (sql: string) => {
        if (sql.includes('"heartbeatAt" = now() WHERE id')) {
          beats++;
          return [{ cancelRequestedAt: null }];
        }
        if (sql.includes('WITH picked')) {
          if (claims >= backlog) return [];
          claims++;
          onClaim(claims);
          return [fakeRun(claims)];
        }
        if (sql.includes("SET status = 'INTERRUPTED', \"ownerId\" = NULL, \"heartbeatAt\" = NULL\n      WHERE status = 'RUNNING'")) return [];
        return fail();
      },
    },
    { get: (target, key) => (key in target ? (target as any)[key] : new Proxy(fail, { get: () => fail })) },
  );
  const services = { prisma, logger: pino({ level: 'silent' }), events: new Proxy({}, { get: () => () => {} }), commitHooks: { beforeCommit: [], afterCommit: [] } } as unknown as AppServices;
  return { services, claims: () => claims, beatsAtFailure };
}

describe('sync runner stop and release', () => {
  it('stops claiming as soon as it is stopping: the backlog stays waiting for the next process', async () => {
    let runner: SyncRunner | undefined;
    let stopping: Promise<void> | undefined;
    const db = fakeDatabase(10, (claims) => {
      if (claims === 1) stopping = runner!.stop();
    });
    runner = startSyncRunner(db.services, { concurrency: 4, pollMs: 10 });
    for (let i = 0; i < 200 && !stopping; i++) await new Promise((r) => setTimeout(r, 5));
    await stopping;
    expect(db.claims()).toBe(1);
  });

  it('a run whose executor threw gets no more heartbeats while its release keeps failing (it goes stale and is reaped)', async () => {
    const db = fakeDatabase(1);
    const runner = startSyncRunner(db.services, { concurrency: 1, pollMs: 20, heartbeatMs: 5 });
    try {
      // Waits for several release attempts (each ~20 ms apart, heartbeats every 5 ms), then compares
      // the heartbeat count at the first release attempt with the one at the last.
      for (let i = 0; i < 400 && db.beatsAtFailure.length < 8; i++) await new Promise((r) => setTimeout(r, 5));
      expect(db.beatsAtFailure.length).toBeGreaterThanOrEqual(8);
      expect(db.beatsAtFailure.at(-1)).toBe(db.beatsAtFailure[1]);
    } finally {
      await runner.stop();
    }
  });
});
