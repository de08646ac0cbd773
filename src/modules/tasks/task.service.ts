/**
 * Background task rows: creation (by mutations), and the worker side (claim under a lease,
 * progress, finish). Every write that a worker makes is fenced by the attempt number it claimed,
 * so a worker that lost its lease (and whose task another worker took over) changes nothing.
 */
import type { Actor, AppServices } from '../../core/services.js';
import { Prisma, type BackgroundTask } from '../../generated/prisma/client.js';
import type { TaskProgressEvent } from './task.events.js';
import type { Tx } from '../../db/transaction.js';
import { settingsOf } from './task.settings.js';
import { taskKind } from './task-kinds.js';
import { DomainError } from '../../core/domain-error.js';

export const FINAL_TASK_STATUSES = new Set(['SUCCESS', 'FAILURE']);

/** 0–100 with one decimal; a finished task is 100 whatever its counters say. */
export function taskPercent(task: Pick<BackgroundTask, 'status' | 'progressCurrent' | 'progressTotal'>): number {
  if (task.status === 'SUCCESS') return 100;
  if (!task.progressTotal || task.progressTotal <= 0) return 0;
  return Math.min(100, Math.floor((task.progressCurrent / task.progressTotal) * 1000) / 10);
}

/** What subscribers see; the result only once the task has succeeded (before that it holds a checkpoint). */
export function taskEvent(task: BackgroundTask): TaskProgressEvent {
  return {
    taskId: task.id,
    kind: task.kind,
    status: task.status,
    progressCurrent: task.progressCurrent,
    progressTotal: task.progressTotal,
    percent: taskPercent(task),
    result: task.status === 'SUCCESS' ? task.result : null,
    error: task.error,
    attempts: task.attempts,
    at: new Date().toISOString(),
  };
}

function publish(services: AppServices, task: BackgroundTask | null): void {
  if (task) services.events.publishTaskProgress(taskEvent(task));
}

export interface CreateTaskOptions {
  kind: string;
  input: Record<string, unknown>;
  /** Files already stored (e.g. an upload) that belong to the task. */
  fileIds?: string[];
  /** While a task of this kind with an equal input is PENDING or in PROGRESS, return it instead of queuing another (a repeated request). Default false. */
  singleton?: boolean;
}

/** Queues a task and returns it at once (PENDING); the runner of this process is kicked. */
export async function createTask(services: AppServices, actor: Actor, options: CreateTaskOptions): Promise<BackgroundTask> {
  const kind = taskKind(options.kind);
  if (!kind) throw new Error(`Unknown task kind "${options.kind}"`);
  const parsed = kind.input.safeParse(options.input);
  if (!parsed.success) throw parsed.error;
  const task = await services.prisma.$transaction(async (tx) => {
    if (options.singleton) {
      // Serializes the requests for one kind, so two at once cannot both miss the other's task.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`task:${options.kind}`}))`;
      const running = await tx.backgroundTask.findFirst({
        where: { kind: options.kind, status: { in: ['PENDING', 'PROGRESS'] }, input: { equals: options.input as Prisma.InputJsonValue } },
      });
      if (running) return running;
    }
    const created = await tx.backgroundTask.create({
      data: { kind: options.kind, input: options.input as Prisma.InputJsonValue, createdBy: `${actor.role}:${actor.name}` },
    });
    if (options.fileIds?.length) await tx.storedFile.updateMany({ where: { id: { in: options.fileIds } }, data: { taskId: created.id } });
    return created;
  });
  publish(services, task);
  services.wake?.('tasks');
  return task;
}

/** The actor recorded at creation ("ROLE:name"). */
export function taskActor(task: Pick<BackgroundTask, 'id' | 'createdBy'>): Actor {
  const match = /^(VIEWER|OPERATOR|ADMIN):(.*)$/s.exec(task.createdBy);
  return { tokenId: `task:${task.id}`, name: match ? match[2]! : task.createdBy, role: (match?.[1] as Actor['role']) ?? 'OPERATOR' };
}

export async function findTask(services: AppServices, id: string): Promise<BackgroundTask | null> {
  return services.prisma.backgroundTask.findUnique({ where: { id } });
}

/**
 * Claims the oldest runnable task of the given kinds: PENDING, or PROGRESS whose lease ran out (its
 * worker died) with attempts left. The claim adds the attempt and takes a lease of `leaseMs`.
 */
export async function claimTask(services: AppServices, kinds: string[], leaseMs: number, maxAttempts: number): Promise<BackgroundTask | null> {
  if (kinds.length === 0) return null;
  const rows = await services.prisma.$queryRaw<{ id: string }[]>`
    UPDATE "BackgroundTask"
       SET status = 'PROGRESS', attempts = attempts + 1, "leaseUntil" = now() + ${leaseMs}::int * interval '1 millisecond',
           "startedAt" = COALESCE("startedAt", now())
     WHERE id = (
       SELECT id FROM "BackgroundTask"
        WHERE kind IN (${Prisma.join(kinds)})
          AND (status = 'PENDING' OR (status = 'PROGRESS' AND "leaseUntil" < now()))
          AND attempts < ${maxAttempts}::int
        ORDER BY "createdAt"
        LIMIT 1
        FOR UPDATE SKIP LOCKED)
    RETURNING id::text AS id`;
  if (!rows[0]) return null;
  const task = await services.prisma.backgroundTask.findUnique({ where: { id: rows[0].id } });
  publish(services, task);
  return task;
}

/** Tasks whose worker died on their last allowed attempt are given up: FAILURE. */
export async function failAbandonedTasks(services: AppServices, maxAttempts: number): Promise<number> {
  const ttlMs = settingsOf(services).resultTtlMs;
  const message = `The task was interrupted ${maxAttempts} times (its worker stopped or crashed) and was given up; start it again`;
  const rows = await services.prisma.$queryRaw<{ id: string }[]>`
    UPDATE "BackgroundTask"
       SET status = 'FAILURE', error = ${message}, result = NULL, "leaseUntil" = NULL, "finishedAt" = now(),
           "expiresAt" = now() + ${ttlMs}::bigint * interval '1 millisecond'
     WHERE id IN (
       SELECT id FROM "BackgroundTask"
        WHERE status = 'PROGRESS' AND "leaseUntil" < now() AND attempts >= ${maxAttempts}::int
        FOR UPDATE SKIP LOCKED)
    RETURNING id::text AS id`;
  for (const { id } of rows) {
    const task = await expireFilesWith(services, id);
    publish(services, task);
  }
  return rows.length;
}

async function expireFilesWith(services: AppServices, id: string): Promise<BackgroundTask | null> {
  const task = await services.prisma.backgroundTask.findUnique({ where: { id } });
  if (task?.expiresAt) await services.prisma.storedFile.updateMany({ where: { taskId: id }, data: { expiresAt: task.expiresAt } });
  return task;
}

/** Extends the lease; false when this attempt no longer owns the task. */
export async function renewLease(services: AppServices, id: string, attempt: number, leaseMs: number): Promise<boolean> {
  const count = await services.prisma.$executeRaw`
    UPDATE "BackgroundTask" SET "leaseUntil" = now() + ${leaseMs}::int * interval '1 millisecond'
     WHERE id = ${id}::uuid AND attempts = ${attempt}::int AND status = 'PROGRESS'`;
  return count > 0;
}

/** Records progress (and extends the lease); false when this attempt no longer owns the task. */
export async function reportProgress(services: AppServices, id: string, attempt: number, current: number, total: number | null | undefined, leaseMs: number): Promise<boolean> {
  const rows = await services.prisma.$queryRaw<{ id: string }[]>`
    UPDATE "BackgroundTask"
       SET "progressCurrent" = ${Math.max(0, Math.round(current))}::int,
           "progressTotal" = ${total === undefined ? null : total === null ? null : Math.round(total)}::int,
           "leaseUntil" = now() + ${leaseMs}::int * interval '1 millisecond'
     WHERE id = ${id}::uuid AND attempts = ${attempt}::int AND status = 'PROGRESS'
    RETURNING id::text AS id`;
  if (!rows[0]) return false;
  publish(services, await findTask(services, id));
  return true;
}

/** Saves a kind's resumable state (in `result` while the task runs), in the caller's transaction if given. */
export async function saveCheckpoint(db: Tx | AppServices['prisma'], id: string, attempt: number, state: unknown): Promise<void> {
  const { count } = await db.backgroundTask.updateMany({
    where: { id, attempts: attempt, status: 'PROGRESS' },
    data: { result: { checkpoint: state } as Prisma.InputJsonValue },
  });
  if (count === 0) throw new LeaseLostError(id);
}

export class LeaseLostError extends Error {
  constructor(id: string) {
    super(`Task ${id} is no longer owned by this worker`);
    this.name = 'LeaseLostError';
  }
}

export async function finishTask(services: AppServices, id: string, attempt: number, result: unknown): Promise<BackgroundTask | null> {
  return settle(services, id, attempt, { status: 'SUCCESS', result: (result ?? null) as Prisma.InputJsonValue, error: null });
}

export async function failTask(services: AppServices, id: string, attempt: number, message: string): Promise<BackgroundTask | null> {
  return settle(services, id, attempt, { status: 'FAILURE', result: Prisma.DbNull, error: message });
}

async function settle(services: AppServices, id: string, attempt: number, data: Prisma.BackgroundTaskUpdateManyMutationInput): Promise<BackgroundTask | null> {
  const finishedAt = new Date();
  const expiresAt = new Date(finishedAt.getTime() + settingsOf(services).resultTtlMs);
  const task = await services.prisma.$transaction(async (tx) => {
    const { count } = await tx.backgroundTask.updateMany({
      where: { id, attempts: attempt, status: 'PROGRESS' },
      data: { ...data, finishedAt, expiresAt, leaseUntil: null },
    });
    if (count === 0) return null;
    await tx.storedFile.updateMany({ where: { taskId: id }, data: { expiresAt } });
    return tx.backgroundTask.findUnique({ where: { id } });
  });
  if (task?.status === 'SUCCESS' && task.progressTotal !== null && task.progressCurrent !== task.progressTotal) {
    // Counters end where the work ended, so a client drawing a bar from them sees it full.
    const full = await services.prisma.backgroundTask.update({ where: { id }, data: { progressCurrent: task.progressTotal } });
    publish(services, full);
    return full;
  }
  publish(services, task);
  return task;
}

/** Hands a task back to the queue without spending the attempt (this worker is stopping). */
export async function releaseTask(services: AppServices, id: string, attempt: number): Promise<void> {
  const { count } = await services.prisma.backgroundTask.updateMany({
    where: { id, attempts: attempt, status: 'PROGRESS' },
    data: { status: 'PENDING', attempts: { decrement: 1 }, leaseUntil: null },
  });
  if (count) publish(services, await findTask(services, id));
}

/** The message users see for a failure: ours when we raised it on purpose, a generic one otherwise. */
export function userMessage(error: unknown, taskId: string, isUserError: (e: unknown) => boolean): string {
  if (error instanceof DomainError || isUserError(error)) return (error as Error).message;
  return `The task failed unexpectedly (task ${taskId}); the error was logged. Try again, or contact an administrator if it keeps failing.`;
}
