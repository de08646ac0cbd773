/**
 * The worker side of sync: claims PENDING and INTERRUPTED runs from the database (SKIP LOCKED, so
 * any number of workers share them), executes them, keeps a heartbeat, and marks runs whose
 * worker went silent as INTERRUPTED so another worker resumes them.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SyncRun } from '../../generated/prisma/client.js';
import type { AppServices } from '../../core/services.js';
import { executeRun, failCrashedRun, publishRun, RunStopped } from './run-executor.js';
import { writeSyncLogs } from './sync-log.js';
import { isDatabaseOutage } from './database-outage.js';

/** A run whose executor crashed (failed for another reason than an outage) is resumed this many times, then failed (no crash loop). */
const MAX_CRASH_RESUMES = 3;

export interface SyncRunnerOptions {
  /** Runs executed at once by this process; default 4. */
  concurrency?: number;
  /** Idle poll interval; default 1000 ms. */
  pollMs?: number;
  /** Heartbeat interval of a running run; default 5000 ms. */
  heartbeatMs?: number;
  /** Silence after which a RUNNING run counts as orphaned; default 30000 ms. */
  staleAfterMs?: number;
  /** INCREMENTAL overlap before the last watermark; default 300 s. */
  lookbackSeconds?: number;
  /** The database belongs to this process alone (PGlite): every RUNNING run found at start is orphaned. */
  exclusiveDatabase?: boolean;
  /** Attempts per failing page before its phase stops; default 3. */
  pageAttempts?: number;
  /** First wait between page attempts; default 1000 ms. */
  pageRetryDelayMs?: number;
}

export interface SyncRunner {
  readonly instanceId: string;
  /** Look for work now (a run was just triggered). */
  kick(): void;
  /** Stops a run executing in this process at its next page boundary; false when it is not here. */
  cancel(runId: string): boolean;
  /** Stops claiming, lets running pages finish and leaves those runs INTERRUPTED for resumption. */
  stop(): Promise<void>;
}

export function startSyncRunner(services: AppServices, options: SyncRunnerOptions = {}): SyncRunner {
  const instanceId = randomUUID();
  const concurrency = options.concurrency ?? 4;
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const staleAfterMs = options.staleAfterMs ?? 30_000;
  const running = new Map<string, { controller: AbortController; done: Promise<unknown> }>();
  let stopping = false;
  let ticking: Promise<void> | null = null;
  let again = false;
  let failing = false;
  let firstTick = options.exclusiveDatabase === true;
  const pollMs = options.pollMs ?? 1000;
  const stopped = new AbortController();
  const log = services.logger.child({ component: 'sync-runner', instanceId });

  const reap = async () => {
    // At the first tick on an exclusive database every RUNNING run is orphaned, however fresh its
    // heartbeat; that sweep is repeated until it succeeds once. Runs of this instance that it no
    // longer executes (their release never landed) are orphans like any other.
    const sweepAll = firstTick;
    const cutoff = sweepAll ? 'infinity' : new Date(Date.now() - staleAfterMs).toISOString();
    const orphans = await services.prisma.$queryRawUnsafe<SyncRun[]>(
      `UPDATE "SyncRun" SET status = 'INTERRUPTED', "ownerId" = NULL, "heartbeatAt" = NULL
        WHERE status = 'RUNNING' AND ("heartbeatAt" IS NULL OR "heartbeatAt" < $1::timestamptz)
          AND ("ownerId" IS NULL OR "ownerId" <> $2 OR NOT (id = ANY($3::uuid[])))
        RETURNING *`,
      cutoff,
      instanceId,
      [...running.keys()],
    );
    if (sweepAll) firstTick = false;
    for (const run of orphans) {
      await writeSyncLogs(services.prisma, log, run, [{ level: 'WARN', message: `the worker running this sync stopped answering after ${run.pagesDone} page(s); marked INTERRUPTED to resume` }]);
      publishRun(services, run);
    }
  };

  const claim = async (): Promise<SyncRun | null> => {
    const rows = await services.prisma.$queryRawUnsafe<SyncRun[]>(
      `WITH picked AS (
         SELECT id FROM "SyncRun" WHERE status IN ('PENDING', 'INTERRUPTED') ORDER BY "createdAt" LIMIT 1 FOR UPDATE SKIP LOCKED
       )
       UPDATE "SyncRun" r SET status = 'RUNNING', "ownerId" = $1, "heartbeatAt" = now(), "startedAt" = COALESCE(r."startedAt", now()),
              "resumedCount" = r."resumedCount" + CASE WHEN r.status = 'INTERRUPTED' THEN 1 ELSE 0 END
         FROM picked WHERE r.id = picked.id
       RETURNING r.*`,
      instanceId,
    );
    const run = rows[0];
    return run ? { ...run, percent: Number(run.percent) } : null;
  };

  /**
   * Hands back a run whose executor failed (typically: the database went away under it and the
   * run's own state could not be written). INTERRUPTED at once, so any worker resumes it from its
   * last committed page when the database is back; the write is retried with backoff until it
   * lands. Should this process stop first, the run's heartbeat goes stale and it is reaped.
   * A failure that is not an outage is a crash and is counted (crashCount, apart from resumedCount,
   * which shutdowns, outages and reaps raise too); past MAX_CRASH_RESUMES the run ends FAILED.
   */
  const release = async (run: SyncRun, error: unknown) => {
    const outage = isDatabaseOutage(error);
    const crashes = run.crashCount + (outage ? 0 : 1);
    const giveUp = crashes > MAX_CRASH_RESUMES;
    const reason = error instanceof Error ? error.message : String(error);
    let delay = Math.min(100, pollMs);
    for (let attempt = 1; ; attempt++) {
      try {
        if (giveUp) {
          const failed = await failCrashedRun(services, instanceId, run, crashes, `the sync crashed ${crashes} times: ${reason}`.slice(0, 1000));
          log.info({ runId: run.id, status: failed.status, attempts: attempt }, 'sync run failed after repeated crashes');
          return;
        }
        const rows = await services.prisma.$queryRawUnsafe<SyncRun[]>(
          `UPDATE "SyncRun" SET status = 'INTERRUPTED', "ownerId" = NULL, "heartbeatAt" = NULL, "crashCount" = $3
            WHERE id = $1::uuid AND "ownerId" = $2 AND status = 'RUNNING' RETURNING *`,
          run.id,
          instanceId,
          crashes,
        );
        const released = rows[0];
        if (released) {
          log.info({ runId: run.id, status: released.status, attempts: attempt }, 'sync run released after its executor failed');
          const message = `stopped after ${released.pagesDone} page(s): ${outage ? 'the database became unavailable' : `${reason} (crash ${crashes} of at most ${MAX_CRASH_RESUMES} resumed)`}; marked INTERRUPTED to resume`;
          await writeSyncLogs(services.prisma, log, released, [{ level: 'WARN', message }]).catch(() => {});
          publishRun(services, released);
        }
        return;
      } catch {
        if (stopping) return;
        await sleep(delay, undefined, { signal: stopped.signal }).catch(() => {});
        if (stopping) return;
        delay = Math.min(delay * 2, pollMs);
      }
    }
  };

  const execute = (run: SyncRun) => {
    const controller = new AbortController();
    let beatFailing = false;
    const heartbeat = setInterval(() => {
      void services.prisma
        .$queryRawUnsafe<{ cancelRequestedAt: Date | null }[]>(
          `UPDATE "SyncRun" SET "heartbeatAt" = now() WHERE id = $1::uuid AND "ownerId" = $2 AND status = 'RUNNING' RETURNING "cancelRequestedAt"`,
          run.id,
          instanceId,
        )
        .then((rows) => {
          beatFailing = false;
          if (rows.length === 0) controller.abort(new RunStopped('lost'));
          else if (rows[0]!.cancelRequestedAt) controller.abort(new RunStopped('cancel'));
        })
        .catch((error: unknown) => {
          // Once per failing stretch, not every beat of an outage.
          if (!beatFailing) log.warn({ err: error, runId: run.id }, 'sync heartbeat failed');
          beatFailing = true;
        });
    }, heartbeatMs);
    heartbeat.unref();
    services.metrics?.syncRunsExecuting.inc();
    const done = executeRun(services, { instanceId, lookbackSeconds: options.lookbackSeconds ?? 300, pageAttempts: options.pageAttempts, pageRetryDelayMs: options.pageRetryDelayMs }, run, controller.signal)
      .catch(async (error: unknown) => {
        clearInterval(heartbeat);
        log[isDatabaseOutage(error) ? 'warn' : 'error']({ err: error, runId: run.id }, 'sync run stopped by an error; releasing it to resume');
        await release(run, error);
      })
      .finally(() => {
        clearInterval(heartbeat);
        services.metrics?.syncRunsExecuting.dec();
        running.delete(run.id);
        if (!stopping) runner.kick();
      });
    running.set(run.id, { controller, done });
  };

  const tick = async () => {
    if (stopping) return;
    await reap();
    while (!stopping && running.size < concurrency) {
      const run = await claim();
      if (!run) break;
      execute(run);
    }
  };

  const schedule = () => {
    if (ticking) {
      again = true;
      return;
    }
    ticking = tick()
      .then(() => {
        if (failing) log.info('sync runner polls the database again');
        failing = false;
      })
      .catch((error: unknown) => {
        // Once per outage, not once per poll.
        if (!failing) log.error({ err: error }, 'sync runner tick failed; retrying every poll');
        failing = true;
      })
      .finally(() => {
        ticking = null;
        if (again && !stopping) {
          again = false;
          schedule();
        }
      });
  };

  const timer = setInterval(schedule, pollMs);
  timer.unref();
  schedule();

  const runner: SyncRunner = {
    instanceId,
    kick: schedule,
    cancel(runId) {
      const entry = running.get(runId);
      if (!entry) return false;
      entry.controller.abort(new RunStopped('cancel'));
      return true;
    },
    async stop() {
      stopping = true;
      stopped.abort();
      clearInterval(timer);
      await ticking;
      for (const { controller } of running.values()) controller.abort(new RunStopped('shutdown'));
      await Promise.all([...running.values()].map((r) => r.done));
    },
  };
  return runner;
}
