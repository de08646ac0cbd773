import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { startQueueWorker, WorkerStopping, type QueueWorkerOptions } from '../../src/jobs/queue-worker.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A logger whose lines are kept for the test to read. */
function capture() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** An in-memory queue: claim takes due ids in order. */
function queue(ids: number[]) {
  const pending = [...ids];
  return {
    pending,
    claim: async (limit: number) => pending.splice(0, limit),
  };
}

describe('queue worker', () => {
  it('runs at most `concurrency` handlers at once and drains a backlog as slots free', async () => {
    const q = queue(Array.from({ length: 10 }, (_, i) => i));
    const limits: number[] = [];
    let active = 0;
    let most = 0;
    const done: number[] = [];
    const worker = startQueueWorker<number>({
      logger: capture().logger,
      concurrency: 3,
      pollMs: 60_000,
      claim: (limit) => (limits.push(limit), q.claim(limit)),
      handle: async (job) => {
        most = Math.max(most, ++active);
        await sleep(5);
        active--;
        done.push(job);
      },
    });
    await until(() => done.length === 10, 'every job');
    await worker.stop();
    expect(most).toBe(3);
    expect(limits.every((l) => l >= 1 && l <= 3)).toBe(true);
    expect(done.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a wake while every slot is busy is kept: the job queued meanwhile is claimed when a slot frees, not at the next poll', async () => {
    const q = queue([1]);
    const done: number[] = [];
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    const worker = startQueueWorker<number>({
      logger: capture().logger,
      concurrency: 1,
      pollMs: 60_000,
      claim: q.claim,
      more: () => false,
      handle: async (job) => {
        if (job === 1) await first;
        done.push(job);
      },
    });
    await until(() => q.pending.length === 0, 'the first claim');
    q.pending.push(2);
    worker.wake();
    release();
    await until(() => done.length === 2, 'the job queued while busy');
    await worker.stop();
  });

  it('a failing claim (database outage) is logged once, retried with backoff, and the loop resumes by itself', async () => {
    const { logger, lines } = capture();
    const q = queue([7]);
    let calls = 0;
    const at: number[] = [];
    const done: number[] = [];
    const worker = startQueueWorker<number>({
      logger,
      pollMs: 20,
      failureDelayMaxMs: 50,
      claim: async (limit) => {
        at.push(Date.now());
        if (++calls <= 4) throw new Error('connection refused');
        return q.claim(limit);
      },
      handle: async (job) => void done.push(job),
    });
    await until(() => done.length === 1, 'the job after the outage');
    await worker.stop();
    expect(lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual(['claiming failed; retrying with backoff']);
    expect(lines.filter((l) => l.msg === 'claiming works again')).toHaveLength(1);
    // Waits grow from the poll interval towards the cap (±20 % jitter).
    const waits = at.slice(1).map((t, i) => t - at[i]!);
    expect(waits[0]).toBeGreaterThanOrEqual(15);
    expect(waits[2]).toBeGreaterThanOrEqual(38);
  });

  it('a handler that throws goes to onError and the worker carries on with the next job', async () => {
    const q = queue([1, 2, 3]);
    const failed: number[] = [];
    const done: number[] = [];
    const worker = startQueueWorker<number>({
      logger: capture().logger,
      pollMs: 10,
      claim: q.claim,
      handle: async (job) => {
        if (job === 2) throw new Error('boom');
        done.push(job);
      },
      onError: (job) => void failed.push(job),
    });
    await until(() => done.length === 2, 'the other jobs');
    await worker.stop();
    expect(failed).toEqual([2]);
    expect(done).toEqual([1, 3]);
  });

  it('stop aborts running handlers with the stop reason and hands their jobs back; it claims nothing more', async () => {
    const q = queue([1, 2, 3]);
    const released: number[] = [];
    const errors: number[] = [];
    let started = 0;
    const options: QueueWorkerOptions<number> = {
      logger: capture().logger,
      concurrency: 2,
      pollMs: 10,
      claim: q.claim,
      handle: (_job, ctx) =>
        new Promise<void>((_resolve, reject) => {
          started++;
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
        }),
      release: async (job) => void released.push(job),
      onError: (job) => void errors.push(job),
    };
    const worker = startQueueWorker(options);
    await until(() => started === 2, 'two handlers');
    await worker.stop();
    expect(released.sort()).toEqual([1, 2]);
    expect(errors).toEqual([]);
    expect(q.pending).toEqual([3]);
    await sleep(30);
    expect(q.pending).toEqual([3]);
  });

  it('while stopping, a handler error that is not the stop goes to onError and its job is not handed back', async () => {
    const released: number[] = [];
    const failed: unknown[] = [];
    const worker = startQueueWorker<number>({
      logger: capture().logger,
      pollMs: 60_000,
      claim: queue([1]).claim,
      // The work was done (a webhook answered 2xx); recording it fails on a database error during the stop.
      handle: (_job, ctx) => new Promise<void>((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('database unreachable')))),
      release: async (job) => void released.push(job),
      onError: (_job, error) => void failed.push(error),
    });
    await until(() => worker.running().length === 1, 'the job');
    await worker.stop();
    expect(released).toEqual([]);
    expect(failed).toEqual([new Error('database unreachable')]);
  });

  it('while stopping, a handler error of a queue with neither release nor onError is logged', async () => {
    const { logger, lines } = capture();
    const worker = startQueueWorker<number>({
      logger,
      pollMs: 60_000,
      claim: queue([1]).claim,
      handle: (_job, ctx) => new Promise<void>((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('database unreachable')))),
    });
    await until(() => worker.running().length === 1, 'the job');
    await worker.stop();
    expect(lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual(['job failed; it comes back when its lease ends']);
  });

  it('jobs claimed by a claim under way when stop() began are handed back without running', async () => {
    let claimed!: (jobs: number[]) => void;
    const released: number[] = [];
    const handled: number[] = [];
    let claiming = false;
    const worker = startQueueWorker<number>({
      logger: capture().logger,
      concurrency: 2,
      pollMs: 60_000,
      claim: () => ((claiming = true), new Promise<number[]>((resolve) => (claimed = resolve))),
      handle: async (job) => void handled.push(job),
      release: async (job) => void released.push(job),
    });
    await until(() => claiming, 'the claim');
    const stopped = worker.stop();
    claimed([1, 2]);
    await stopped;
    expect(handled).toEqual([]);
    expect(released).toEqual([1, 2]);
  });

  it('without release, a job claimed as the worker stops runs with its signal already aborted', async () => {
    let claimed!: (jobs: number[]) => void;
    let claiming = false;
    const seen: unknown[] = [];
    const worker = startQueueWorker<number>({
      logger: capture().logger,
      pollMs: 60_000,
      claim: () => ((claiming = true), new Promise<number[]>((resolve) => (claimed = resolve))),
      handle: async (_job, ctx) => void seen.push(ctx.signal.aborted && ctx.signal.reason),
      stopReason: () => 'shutdown',
    });
    await until(() => claiming, 'the claim');
    const stopped = worker.stop();
    claimed([1]);
    await stopped;
    expect(seen).toEqual(['shutdown']);
  });

  it('gives the stop reason the caller chose, and stops waiting after the grace', async () => {
    const reasons: unknown[] = [];
    const worker = startQueueWorker<number>({
      logger: capture().logger,
      pollMs: 10,
      claim: queue([1]).claim,
      // Ignores its signal: stop() does not wait for it past the grace.
      handle: (_job, ctx) => new Promise<void>(() => ctx.signal.addEventListener('abort', () => reasons.push(ctx.signal.reason))),
      stopReason: () => 'shutdown',
      stopGraceMs: 50,
    });
    await until(() => worker.running().length === 1, 'the job');
    const began = Date.now();
    await worker.stop();
    expect(Date.now() - began).toBeLessThan(1000);
    expect(reasons).toEqual(['shutdown']);
  });

  it('the heartbeat beats while a job runs and can abort it (lease lost); cancel aborts a job by key', async () => {
    const beats: number[] = [];
    const reasons: unknown[] = [];
    const worker = startQueueWorker<number>({
      logger: capture().logger,
      concurrency: 2,
      pollMs: 60_000,
      claim: queue([1, 2]).claim,
      key: (job) => `job-${job}`,
      heartbeat: {
        everyMs: 10,
        beat: async (job, ctx) => {
          beats.push(job);
          if (job === 1 && beats.filter((b) => b === 1).length === 3) ctx.abort('lease lost');
        },
      },
      handle: (_job, ctx) => new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => (reasons.push(ctx.signal.reason), resolve()))),
    });
    await until(() => reasons.length === 1, 'the lost lease');
    expect(reasons).toEqual(['lease lost']);
    expect(worker.running()).toEqual(['job-2']);
    expect(worker.cancel('job-2', 'cancelled')).toBe(true);
    expect(worker.cancel('job-3')).toBe(false);
    await until(() => reasons.length === 2, 'the cancel');
    expect(reasons[1]).toBe('cancelled');
    const count = beats.length;
    await sleep(40);
    expect(beats.length).toBe(count); // no heartbeat once a job ended
    await worker.stop();
  });

  it('the default stop reason is a WorkerStopping', async () => {
    let reason: unknown;
    const worker = startQueueWorker<number>({
      logger: capture().logger,
      claim: queue([1]).claim,
      handle: (_job, ctx) => new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => ((reason = ctx.signal.reason), resolve()))),
    });
    await until(() => worker.running().length === 1, 'the job');
    await worker.stop();
    expect(reason).toBeInstanceOf(WorkerStopping);
  });
});
