/**
 * The worker side of background tasks (ROLE worker or all). Claims tasks with SKIP LOCKED under a
 * lease, so several workers share the queue and a task whose worker died is taken over once its
 * lease runs out (at most `maxAttempts` runs in all, then FAILURE). Runs up to `concurrency` at once.
 */
import type { AppServices } from '../../core/services.js';
import { startQueueWorker, type JobContext } from '../../jobs/queue-worker.js';
import type { BackgroundTask } from '../../generated/prisma/client.js';
import { storeFile } from '../files/file.store.js';
import { fileUrl } from '../files/file.store.js';
import { registeredTaskKinds, taskKind, TaskUserError, type TaskContext } from './task-kinds.js';
import {
  claimTask,
  failAbandonedTasks,
  failTask,
  finishTask,
  LeaseLostError,
  releaseTask,
  renewLease,
  reportProgress,
  saveCheckpoint,
  taskActor,
  userMessage,
} from './task.service.js';

export interface TaskRunnerOptions {
  /** Tasks run at once by this process; default TASK_CONCURRENCY (2). */
  concurrency: number;
  /** How often an idle runner looks for work (tasks created here start at once); default 1000 ms. */
  pollMs?: number;
  /** How long a claim stays valid without a heartbeat; default 30000 ms (renewed every third of it). */
  leaseMs?: number;
  /** Runs of one task before it is given up; default 3. */
  maxAttempts?: number;
  /** How long stop() waits for aborted tasks to hand themselves back; default 10000 ms. */
  stopGraceMs?: number;
}

export interface TaskRunner {
  /** Look for tasks now (one was just created). */
  wake(): void;
  /** The same as `wake()`. */
  kick(): void;
  /** Ids of the tasks running here now. */
  running(): string[];
  /** Stops claiming; running tasks are aborted and handed back to the queue. */
  stop(): Promise<void>;
}

class ShutdownError extends Error {}

export function startTaskRunner(services: AppServices, options: TaskRunnerOptions): TaskRunner {
  const leaseMs = options.leaseMs ?? 30_000;
  const maxAttempts = options.maxAttempts ?? 3;
  const log = services.logger.child({ component: 'task-runner' });
  const taskLog = (task: BackgroundTask) => log.child({ taskId: task.id, kind: task.kind, attempt: task.attempts });

  const worker = startQueueWorker<BackgroundTask>({
    logger: log,
    concurrency: options.concurrency,
    pollMs: options.pollMs ?? 1000,
    reap: () => failAbandonedTasks(services, maxAttempts).then(() => {}),
    // One task per claim: a task claimed starts at once (a later claim that fails cannot strand it
    // under its lease), and the worker checks stop() and its free slots before claiming the next.
    claim: async () => {
      const task = await claimTask(services, registeredTaskKinds(), leaseMs, maxAttempts);
      return task ? [task] : [];
    },
    more: (claimed) => claimed.length > 0,
    key: (task) => task.id,
    describe: (task) => ({ taskId: task.id, kind: task.kind, attempt: task.attempts }),
    // The heartbeat keeps the lease while a long step (a big query, zipping) reports no progress.
    heartbeat: {
      everyMs: Math.max(50, Math.floor(leaseMs / 3)),
      beat: async (task, ctx) => {
        if (!(await renewLease(services, task.id, task.attempts, leaseMs))) ctx.abort(new LeaseLostError(task.id));
      },
    },
    handle: run,
    release: async (task) => {
      await releaseTask(services, task.id, task.attempts);
      taskLog(task).info('task handed back (worker stopping)');
    },
    stopReason: () => new ShutdownError('worker stopping'),
    // A kind that ignores its signal is not waited for forever: its task keeps its lease, which
    // runs out, and another worker takes it over (counting the attempt).
    stopGraceMs: options.stopGraceMs ?? 10_000,
  });

  async function run(task: BackgroundTask, abort: JobContext) {
    const attempt = task.attempts;
    const tlog = taskLog(task);
    try {
      const kind = taskKind(task.kind);
      if (!kind) throw new TaskUserError(`Unknown task kind "${task.kind}"`);
      const parsed = kind.input.safeParse(task.input);
      if (!parsed.success) throw new TaskUserError(`The task's input is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const checkpoint = task.result && typeof task.result === 'object' && 'checkpoint' in task.result ? (task.result as { checkpoint: unknown }).checkpoint : null;
      const ctx: TaskContext = {
        taskId: task.id,
        kind: task.kind,
        input: parsed.data,
        actor: taskActor(task),
        attempt,
        services,
        signal: abort.signal,
        logger: tlog,
        checkpoint,
        progress: async (current, total) => {
          abort.signal.throwIfAborted();
          if (!(await reportProgress(services, task.id, attempt, current, total, leaseMs))) {
            abort.abort(new LeaseLostError(task.id));
            abort.signal.throwIfAborted();
          }
        },
        saveCheckpoint: (state, tx) => saveCheckpoint(tx ?? services.prisma, task.id, attempt, state),
        saveFile: (filename, contentType, body) => storeFile(services, body, { filename, contentType, taskId: task.id, signal: abort.signal }),
        files: () => services.prisma.storedFile.findMany({ where: { taskId: task.id }, orderBy: { createdAt: 'asc' } }),
        fileUrl: (fileId) => fileUrl(services, fileId),
      };
      tlog.info('task started');
      const result = await kind.run(ctx);
      abort.signal.throwIfAborted();
      await finishTask(services, task.id, attempt, result);
      tlog.info('task succeeded');
    } catch (error) {
      const reason = abort.signal.aborted ? abort.signal.reason : undefined;
      if (reason instanceof ShutdownError) {
        // The stop reason itself is what the worker hands back by `release`, whatever the kind threw.
        if (error !== reason) tlog.info({ err: error }, 'task cut short by the worker stopping');
        throw reason;
      }
      if (reason instanceof LeaseLostError || error instanceof LeaseLostError) {
        tlog.warn('task lease lost; another worker owns it now');
      } else {
        const message = userMessage(error, task.id, (e) => e instanceof TaskUserError);
        if (!(error instanceof TaskUserError)) tlog.error({ err: error }, 'task failed');
        else tlog.info({ reason: message }, 'task failed');
        await failTask(services, task.id, attempt, message).catch((e) => tlog.error({ err: e }, 'could not record the failure'));
      }
    }
  }

  return { wake: worker.wake, kick: worker.wake, running: worker.running, stop: worker.stop };
}
