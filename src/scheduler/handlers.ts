/**
 * The scheduled tasks this process knows: each has a schedule row (its key, ensured at start with
 * its default timing) and the handlers a firing of its kind runs. They are declared in one place,
 * src/registry.ts, which buildApp() installs; nothing registers itself when imported. The scheduler
 * runs SYNC itself (per account, through the sync runner); a firing of a kind with no handler is
 * recorded with lastError "no handler".
 */
import type { ScheduleKind } from '../generated/prisma/client.js';
import type { AppServices } from '../core/services.js';
import type { Timing } from './schedule-timing.js';

/** Kinds the scheduler handles itself; registering them is refused. */
const BUILT_IN_KINDS = ['SYNC'] as const;

type HandledKind = Exclude<ScheduleKind, (typeof BUILT_IN_KINDS)[number]>;

export interface Firing {
  scheduleId: string;
  key: string;
  kind: ScheduleKind;
  /** The fire time this run was claimed for. */
  fireAt: Date;
  /** The scheduler's clock when it ran. */
  now: Date;
  /** The scheduler's retention settings (SchedulerOptions); default 30 days and 5000 rows per statement. */
  retention?: { logDays: number; batchSize: number };
}

/** Runs one firing; throw to record the message as the schedule's lastError. */
export type ScheduledHandler = (services: AppServices, firing: Firing) => Promise<unknown>;

/** A schedule every installation starts with, and what its firings do. */
export interface ScheduledTask extends Timing {
  /** The schedule row's stable key (created once, then owned by the user: an edit survives restarts). */
  key: string;
  kind: HandledKind;
  /** Interval schedules: the grid they fire on. */
  anchor?: Date;
  /** Each runs at every firing, even if another fails. */
  handlers: ScheduledHandler[];
}

const tasks = new Map<string, ScheduledTask>();
const handlers = new Map<ScheduleKind, ScheduledHandler[]>();

/** Declares scheduled tasks (src/registry.ts); declaring the same task again is a no-op. */
export function declareScheduledTasks(declared: readonly ScheduledTask[]): void {
  for (const task of declared) {
    if (tasks.get(task.key) === task) continue;
    if (tasks.has(task.key)) throw new Error(`Scheduled task "${task.key}" is already declared`);
    tasks.set(task.key, task);
    for (const handler of task.handlers) registerScheduledHandler(task.kind, handler);
  }
}

/** The declared scheduled tasks, whose schedule rows the scheduler ensures. */
export function declaredScheduledTasks(): ScheduledTask[] {
  return [...tasks.values()];
}

/** Adds what a firing of `kind` does; every handler runs at each firing. */
function registerScheduledHandler(kind: HandledKind, handler: ScheduledHandler): void {
  if ((BUILT_IN_KINDS as readonly string[]).includes(kind)) throw new Error(`${kind} schedules are run by the scheduler itself`);
  handlers.set(kind, [...(handlers.get(kind) ?? []), handler]);
}

/** Replaces every handler of `kind` (tests swap in their own); returns a function that puts the previous ones back. */
export function replaceScheduledHandlers(kind: HandledKind, replacement: ScheduledHandler[]): () => void {
  const previous = handlers.get(kind) ?? [];
  handlers.set(kind, replacement);
  return () => handlers.set(kind, previous);
}

/**
 * One handler running everything registered for `kind`, or undefined when nothing is. Each runs
 * even if another fails; the failures' messages are rethrown together (the schedule's lastError).
 */
export function scheduledHandler(kind: ScheduleKind): ScheduledHandler | undefined {
  const registered = handlers.get(kind) ?? [];
  if (!registered.length) return undefined;
  return async (services, firing) => {
    const outcomes = await Promise.allSettled(registered.map((handler) => handler(services, firing)));
    const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason instanceof Error ? o.reason.message : String(o.reason)] : []));
    if (failures.length) throw new Error(failures.join('; '));
  };
}
