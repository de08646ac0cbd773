/**
 * What other modules run on a schedule. The scheduler runs SYNC, LOG_RETENTION and
 * TASK_RETENTION itself; other kinds (STATS_REFRESH: channel statistics from monitoring, the
 * dashboard snapshot from analytics) run every handler registered here at each firing. A firing with no registered handler is recorded with lastError "no handler".
 */
import type { ScheduleKind } from '../generated/prisma/client.js';
import type { AppServices } from '../core/services.js';

/** Kinds the scheduler handles itself; registering them is refused. */
export const BUILT_IN_KINDS = ['SYNC', 'LOG_RETENTION', 'TASK_RETENTION'] as const;

export type HandledKind = Exclude<ScheduleKind, (typeof BUILT_IN_KINDS)[number]>;

export interface Firing {
  scheduleId: string;
  key: string;
  kind: ScheduleKind;
  /** The fire time this run was claimed for. */
  fireAt: Date;
  /** The scheduler's clock when it ran. */
  now: Date;
}

/** Runs one firing; throw to record the message as the schedule's lastError. */
export type ScheduledHandler = (services: AppServices, firing: Firing) => Promise<void>;

const handlers = new Map<ScheduleKind, ScheduledHandler[]>();

/** Adds what a firing of `kind` does; every module's handler runs at each firing. Returns an unregister function. */
export function registerScheduledHandler(kind: HandledKind, handler: ScheduledHandler): () => void {
  if ((BUILT_IN_KINDS as readonly string[]).includes(kind)) throw new Error(`${kind} schedules are run by the scheduler itself`);
  handlers.set(kind, [...(handlers.get(kind) ?? []), handler]);
  return () => handlers.set(kind, (handlers.get(kind) ?? []).filter((h) => h !== handler));
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
