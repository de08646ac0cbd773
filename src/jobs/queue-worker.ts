/**
 * One durable queue worker for every table-backed queue (webhook deliveries, pushes, tasks, sync runs).
 *
 * The caller owns the rows and the SQL: `claim(limit)` takes up to `limit` due rows (FOR UPDATE SKIP
 * LOCKED, setting a lease, so any number of workers share the queue and a dead worker's rows come
 * back when their lease ends) and `handle(job, ctx)` does the work. This loop owns the rest:
 *
 * - concurrency: at most `concurrency` handlers at once; a claim asks only for the free slots;
 * - poll and wake: it claims at start, every `pollMs` after the last round, at `wake()` (a commit
 *   just queued work) and at `wakeIn(ms)` (a retry falls due before the next poll); wakes that come
 *   while a round runs or while every slot is busy are not lost, they cause one more round;
 * - lease heartbeat: `heartbeat.beat(job, ctx)` every `heartbeat.everyMs` while the handler runs; it
 *   aborts the job through `ctx.abort(reason)` when the lease is gone;
 * - error isolation: a handler that throws goes to `onError` (default: logged; the row comes back
 *   when its lease ends); a claim that fails (database outage) is logged once per outage and
 *   retried with backoff, then the loop resumes by itself;
 * - graceful stop: `stop()` stops claiming, aborts every job's `ctx.signal` with `stopReason`, waits
 *   for the handlers (at most `stopGraceMs`), and a handler that throws that very reason
 *   (`ctx.signal.reason`) has its job handed back by `release` at once instead of after the lease.
 *   Any other error goes to `onError`, stopping or not: the work may have been done (a webhook
 *   answered 2xx, then recording it failed), so handing it back would repeat it unlogged. Jobs that
 *   a claim under way when `stop()` began returns are not started when the queue has `release`
 *   (handed back at once); without `release` the handler runs with `ctx.signal` already aborted and
 *   must check it before any work (the sync executor interrupts such a run at its first page boundary).
 *
 * Retry schedules of failed jobs are the queue's own (they are stored in its rows); `backoffDelay`
 * (./backoff.ts) is the shared formula.
 */
import type { Logger } from 'pino';
import { backoffDelay } from './backoff.js';

export interface JobContext {
  /** Aborted when the worker stops (with its stop reason), on `cancel(key)`, or by `abort`. */
  readonly signal: AbortSignal;
  /** Aborts this job alone (its lease was lost, it was cancelled). */
  abort(reason: unknown): void;
}

export interface QueueWorkerOptions<Job> {
  /** Where the loop logs (a child logger naming the queue). */
  logger: Logger;
  /** Handlers running at once; default 1. */
  concurrency?: number;
  /** How often to look for due jobs when nobody wakes the worker, in ms; default 1000. */
  pollMs?: number;
  /** Longest wait between claims while they fail (e.g. the database is down), in ms; default max(pollMs, 2000). */
  failureDelayMaxMs?: number;
  /** Claims up to `limit` due jobs (SKIP LOCKED, with a lease); none: the queue is drained for now. */
  claim(limit: number): Promise<Job[]>;
  /** Whether more jobs may be waiting after this claim; default: the claim filled every free slot. */
  more?(claimed: Job[], limit: number): boolean;
  /** Runs before each round of claims (e.g. returns or fails rows whose lease ran out). */
  reap?(): Promise<void>;
  /** Does the job's work; `ctx.signal` says when to stop early. */
  handle(job: Job, ctx: JobContext): Promise<void>;
  /** The job's id, for `cancel` and `running`; default: a number per claim. */
  key?(job: Job): string;
  /** Log bindings of a job (its id, kind...). */
  describe?(job: Job): Record<string, unknown>;
  /** Keeps the lease of a running job; failures are logged once per failing stretch. */
  heartbeat?: { everyMs: number; beat(job: Job, ctx: JobContext): Promise<void> };
  /** Hands a job back to the queue (not waiting for its lease to end) when its handler threw the stop reason, or it was claimed as the worker stopped. */
  release?(job: Job): Promise<void>;
  /** A handler threw anything but the stop reason; default: logged, the job comes back when its lease ends. */
  onError?(job: Job, error: unknown, ctx: JobContext): void | Promise<void>;
  /** The abort reason given to running jobs by `stop()`; default a `WorkerStopping`. */
  stopReason?: () => unknown;
  /** How long `stop()` waits for handlers, in ms; default: until they finish. A job not finished keeps its lease. */
  stopGraceMs?: number;
}

export interface QueueWorker {
  /** Look for due jobs now (after a commit queued some). */
  wake(): void;
  /** Look for due jobs in `ms` (a retry falls due before the next poll). */
  wakeIn(ms: number): void;
  /** Keys of the jobs running here now. */
  running(): string[];
  /** Aborts the running job with this key; false when it does not run here. */
  cancel(key: string, reason?: unknown): boolean;
  /** Stops claiming, aborts running jobs and hands them back; resolves once idle (or after the grace). */
  stop(): Promise<void>;
}

/** The default reason running jobs are aborted with when their worker stops. */
export class WorkerStopping extends Error {
  constructor() {
    super('worker stopping');
    this.name = 'WorkerStopping';
  }
}

interface Running {
  key: string;
  controller: AbortController;
  done: Promise<void>;
}

export function startQueueWorker<Job>(options: QueueWorkerOptions<Job>): QueueWorker {
  const concurrency = options.concurrency ?? 1;
  const pollMs = options.pollMs ?? 1000;
  const failureDelayMaxMs = options.failureDelayMaxMs ?? Math.max(pollMs, 2000);
  const log = options.logger;
  const running = new Map<number, Running>();
  const timers = new Set<NodeJS.Timeout>();
  let claims = 0;
  let stopping = false;
  let stopReason: unknown;
  let pumping: Promise<void> | null = null;
  /** A wake came while a round ran. */
  let again = false;
  /** The last claim may have left jobs behind: claim again when a slot frees. */
  let backlog = false;
  /** A wake came while every slot was busy: claim when one frees. */
  let missed = false;
  /** Claim rounds failed in a row. */
  let failures = 0;
  let poll: NodeJS.Timeout | undefined;

  const full = () => running.size >= concurrency;

  function wake() {
    if (stopping) return;
    if (full()) missed = true;
    if (pumping) {
      again = true;
      return;
    }
    clearTimeout(poll);
    pumping = pump()
      .then(
        () => {
          if (failures > 0) log.info({ failures }, 'claiming works again');
          failures = 0;
        },
        (error: unknown) => {
          // Once per failing stretch (an outage), not once per poll.
          if (failures === 0) log.error({ err: error }, 'claiming failed; retrying with backoff');
          failures++;
        },
      )
      .finally(() => {
        pumping = null;
        if (stopping) return;
        if (again && failures === 0) wake();
        else arm();
      });
  }

  async function pump() {
    do {
      again = false;
      await options.reap?.();
      while (!stopping && !full()) {
        const limit = concurrency - running.size;
        const claimed = await options.claim(limit);
        backlog = options.more ? options.more(claimed, limit) : claimed.length >= limit;
        for (const job of claimed) start(job);
        if (!backlog) break;
      }
    } while (again && !stopping && !full());
  }

  function arm() {
    clearTimeout(poll);
    poll = setTimeout(wake, failures > 0 ? backoffDelay(failures, pollMs, failureDelayMaxMs) : pollMs);
    poll.unref();
  }

  function start(job: Job) {
    const id = ++claims;
    const key = options.key?.(job) ?? String(id);
    const controller = new AbortController();
    const ctx: JobContext = { signal: controller.signal, abort: (reason) => controller.abort(reason) };
    const bindings = options.describe?.(job) ?? {};
    // Claimed by a round under way when stop() began: handed back unstarted when the queue can
    // (stop() waits for it), else run already aborted.
    const unstarted = stopping && options.release !== undefined;
    if (stopping) controller.abort(stopReason);
    const heartbeat = unstarted ? undefined : options.heartbeat && startHeartbeat(job, ctx, bindings);
    const done = (unstarted ? handBack(job, bindings) : run(job, ctx, bindings)).finally(() => {
      clearInterval(heartbeat);
      running.delete(id);
      if (!stopping && (backlog || missed)) {
        missed = false;
        wake();
      }
    });
    running.set(id, { key, controller, done });
  }

  async function run(job: Job, ctx: JobContext, bindings: Record<string, unknown>) {
    try {
      await options.handle(job, ctx);
    } catch (error) {
      if (stopping && error === stopReason) return handBack(job, bindings);
      try {
        if (options.onError) await options.onError(job, error, ctx);
        else log.error({ err: error, ...bindings }, 'job failed; it comes back when its lease ends');
      } catch (fault) {
        log.error({ err: fault, ...bindings }, 'a failed job could not be recorded; it comes back when its lease ends');
      }
    }
  }

  async function handBack(job: Job, bindings: Record<string, unknown>) {
    try {
      await options.release?.(job);
    } catch (fault) {
      log.error({ err: fault, ...bindings }, 'a job could not be handed back; it comes back when its lease ends');
    }
  }

  function startHeartbeat(job: Job, ctx: JobContext, bindings: Record<string, unknown>) {
    const { everyMs, beat } = options.heartbeat!;
    let failing = false;
    const timer = setInterval(() => {
      beat(job, ctx).then(
        () => (failing = false),
        (error: unknown) => {
          if (!failing) log.warn({ err: error, ...bindings }, 'lease heartbeat failed');
          failing = true;
        },
      );
    }, everyMs);
    timer.unref();
    return timer;
  }

  wake();

  return {
    wake,
    wakeIn(ms) {
      if (stopping) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        wake();
      }, ms);
      timer.unref();
      timers.add(timer);
    },
    running: () => [...running.values()].map((r) => r.key),
    cancel(key, reason) {
      const entry = [...running.values()].find((r) => r.key === key);
      if (!entry) return false;
      entry.controller.abort(reason);
      return true;
    },
    async stop() {
      if (!stopping) {
        stopping = true;
        stopReason = options.stopReason?.() ?? new WorkerStopping();
      }
      clearTimeout(poll);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const { controller } of running.values()) controller.abort(stopReason);
      // A claim in flight may still return jobs: they are handed back unstarted.
      await pumping;
      const idle = Promise.all([...running.values()].map((r) => r.done));
      if (options.stopGraceMs === undefined) await idle;
      else await Promise.race([idle, new Promise<void>((resolve) => setTimeout(resolve, options.stopGraceMs).unref())]);
    },
  };
}
