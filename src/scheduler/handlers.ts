/**
 * What other modules run on a schedule. The scheduler runs SYNC, LOG_RETENTION and
 * TASK_RETENTION itself; other kinds (STATS_REFRESH: registered by monitoring) are looked up here
 * at each firing. A firing with no registered handler is recorded with lastError "no handler".
 */
import type { ScheduleKind } from '../generated/prisma/client.js';
import type { AppServices } from '../graphql/context.js';

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

const handlers = new Map<ScheduleKind, ScheduledHandler>();

/** Registers what a firing of `kind` does (one handler per kind; the last registration wins). Returns an unregister function. */
export function registerScheduledHandler(kind: HandledKind, handler: ScheduledHandler): () => void {
  if ((BUILT_IN_KINDS as readonly string[]).includes(kind)) throw new Error(`${kind} schedules are run by the scheduler itself`);
  handlers.set(kind, handler);
  return () => {
    if (handlers.get(kind) === handler) handlers.delete(kind);
  };
}

export function scheduledHandler(kind: ScheduleKind): ScheduledHandler | undefined {
  return handlers.get(kind);
}
