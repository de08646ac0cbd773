/**
 * The worker side of sync: claims PENDING and INTERRUPTED runs from the database (SKIP LOCKED, so
 * any number of workers share them), executes them, keeps a heartbeat, and marks runs whose
 * worker went silent as INTERRUPTED so another worker resumes them.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SyncRun } from '../../generated/prisma/client.js';
import type { AppServices } from '../../core/services.js';
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
    // heartbeat; that sweep is repeated until it succeeds once.
    const sweepAll = firstTick;
    await reapStaleRuns(services, log, instanceId, [...running.keys()], sweepAll ? 'all' : new Date(Date.now() - staleAfterMs));
    if (sweepAll) firstTick = false;
  };

  /** Hands back a run whose executor failed (see releaseRun), retrying with backoff until it lands; should this process stop first, the run's heartbeat goes stale and it is reaped. */
  const release = async (run: SyncRun, error: unknown) => {
    let delay = Math.min(100, pollMs);
    for (let attempt = 1; ; attempt++) {
      try {
        await releaseRun(services, log, instanceId, run, error, attempt);
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
      void beatRun(services, run.id, instanceId)
        .then((stop) => {
          beatFailing = false;
          if (stop) controller.abort(new RunStopped(stop));
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
      const run = await claimRun(services, instanceId);
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
