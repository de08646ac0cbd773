/**
 * The worker side of sync, on the queue worker (src/jobs): claims PENDING and INTERRUPTED runs,
 * executes them under a heartbeat, and marks runs whose worker went silent as INTERRUPTED so
 * another worker resumes them. The run's states are sync-run.lifecycle.ts's.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SyncRun } from '../../generated/prisma/client.js';
import type { AppServices } from '../../core/services.js';
import { backoffDelay } from '../../jobs/backoff.js';
import { startQueueWorker, type QueueWorker } from '../../jobs/queue-worker.js';
import { executeRun } from './run-executor.js';
import { beatRun, claimRun, reapStaleRuns, releaseRun, RunStopped } from './sync-run.lifecycle.js';
import { isDatabaseOutage } from './database-outage.js';

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
  const pollMs = options.pollMs ?? 1000;
  const staleAfterMs = options.staleAfterMs ?? 30_000;
  const executor = { instanceId, lookbackSeconds: options.lookbackSeconds ?? 300, pageAttempts: options.pageAttempts, pageRetryDelayMs: options.pageRetryDelayMs };
  const log = services.logger.child({ component: 'sync-runner', instanceId });
  const stopped = new AbortController();
  /** Runs whose executor threw: their heartbeat stops, so a release that keeps failing lets them go stale and be reaped. */
  const releasing = new Set<string>();
  // On an exclusive database every RUNNING run found by the first reap is orphaned, however fresh
  // its heartbeat; that sweep is repeated until it succeeds once.
  let sweepAll = options.exclusiveDatabase === true;

  /** Hands back a run whose executor failed (see releaseRun), retried until it lands; should this process stop first, the run's heartbeat goes stale and it is reaped. */
  const release = async (run: SyncRun, error: unknown) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await releaseRun(services, log, instanceId, run, error, attempt);
        return;
      } catch {
        if (stopped.signal.aborted) return;
        await sleep(backoffDelay(attempt, Math.min(100, pollMs), pollMs), undefined, { signal: stopped.signal }).catch(() => {});
        if (stopped.signal.aborted) return;
      }
    }
  };

  // Assigned once built; its first round (a reap) starts before that, while nothing runs here yet.
  let worker: QueueWorker;
  worker = startQueueWorker<SyncRun>({
    logger: log,
    concurrency: options.concurrency ?? 4,
    pollMs,
    // While the database is down the runner keeps polling at its usual pace.
    failureDelayMaxMs: pollMs,
    reap: async () => {
      const all = sweepAll;
      await reapStaleRuns(services, log, instanceId, worker?.running() ?? [], all ? 'all' : new Date(Date.now() - staleAfterMs));
      if (all) sweepAll = false;
    },
    // One run per claim: a failing claim strands no run claimed before it, and the worker sees a stop
    // between claims, so a backlog stays PENDING for the next process.
    claim: async () => {
      if (stopped.signal.aborted) return [];
      const run = await claimRun(services, instanceId);
      return run ? [run] : [];
    },
    more: (claimed) => claimed.length > 0,
    key: (run) => run.id,
    describe: (run) => ({ runId: run.id }),
    heartbeat: {
      everyMs: options.heartbeatMs ?? 5000,
      beat: async (run, ctx) => {
        if (releasing.has(run.id)) return;
        const stop = await beatRun(services, run.id, instanceId);
        if (stop) ctx.abort(new RunStopped(stop));
      },
    },
    handle: async (run, ctx) => {
      services.metrics?.syncRunsExecuting.inc();
      try {
        await executeRun(services, executor, run, ctx.signal);
      } catch (error) {
        releasing.add(run.id);
        log[isDatabaseOutage(error) ? 'warn' : 'error']({ err: error, runId: run.id }, 'sync run stopped by an error; releasing it to resume');
        await release(run, error);
      } finally {
        releasing.delete(run.id);
        services.metrics?.syncRunsExecuting.dec();
      }
      // A released run is resumed at once, not at the next poll.
      if (!stopped.signal.aborted) worker.wake();
    },
    // The executor leaves a run cut by shutdown INTERRUPTED itself, at its next page boundary.
    stopReason: () => new RunStopped('shutdown'),
  });

  return {
    instanceId,
    kick: worker.wake,
    cancel: (runId) => worker.cancel(runId, new RunStopped('cancel')),
    async stop() {
      stopped.abort();
      await worker.stop();
    },
  };
}
