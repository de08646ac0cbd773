import type { PrismaClient, Prisma as PrismaNS } from '../generated/prisma/client.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventBus } from '../events/event-bus.js';
import { backoffDelay } from '../jobs/backoff.js';
import { isTransactionConflict } from './errors.js';
import type { DomainEvent, EventType } from '../events/event-types.js';

export type Tx = PrismaNS.TransactionClient;
export type Emit = (type: EventType, payload: Record<string, unknown>) => void;

/**
 * What every commit sets off, declared once by the app (app.ts), so the database layer knows no
 * domain: the outbox writers and the publishing and waking that follow a commit.
 */
export interface CommitHooks {
  /**
   * Run inside the transaction after its work, just before it commits, with the events it emitted:
   * writes that must commit or roll back with the change (the webhook outbox). What one returns is
   * run once the transaction has committed (e.g. waking the queue it wrote to).
   */
  beforeCommit: ((tx: Tx, events: readonly DomainEvent[]) => Promise<(() => void) | void>)[];
  /** Run once the transaction has committed, with its events (publishing them). */
  afterCommit: ((events: readonly DomainEvent[]) => void)[];
}

/** What transact() needs of the app's services. */
export interface TransactionServices {
  prisma: PrismaClient;
  commitHooks: CommitHooks;
}

/** How many times a transaction PostgreSQL ended with a deadlock or serialization failure is run in all; default 4. */
export const TRANSACTION_ATTEMPTS = 4;

/**
 * Runs `work` in one database transaction; the events it emits are published only once the
 * transaction has committed, so no subscriber ever hears of a change that was rolled back. The
 * before-commit hooks (the outbox) write with the same transaction, just before it commits.
 * `onCommit` runs once committed and before the hooks: what must be recorded before anyone hears
 * of the change (a sync's metrics come before its published events).
 * A transaction PostgreSQL ends to resolve a conflict (a deadlock, 40P01, or a serialization
 * failure, 40001) is run again from the start, after a short jittered backoff, up to
 * TRANSACTION_ATTEMPTS times: `work` must do nothing outside the transaction but emit.
 */
export async function transact<T>(services: TransactionServices, actor: string, work: (tx: Tx, emit: Emit) => Promise<T>, onCommit?: (value: T) => Promise<void> | void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const events: DomainEvent[] = [];
    const followUps: (() => void)[] = [];
    let result: T;
    try {
      result = await services.prisma.$transaction(
        async (tx) => {
          const value = await work(tx, (type, payload) => events.push(EventBus.create(type, payload, actor)));
          for (const hook of services.commitHooks.beforeCommit) {
            const followUp = await hook(tx, events);
            if (followUp) followUps.push(followUp);
          }
          return value;
        },
        { timeout: 60_000, maxWait: 30_000 },
      );
    } catch (error) {
      if (attempt >= TRANSACTION_ATTEMPTS || !isTransactionConflict(error)) throw error;
      await sleep(backoffDelay(attempt, 20, 500));
      continue;
    }
    await onCommit?.(result);
    for (const hook of services.commitHooks.afterCommit) hook(events);
    for (const followUp of followUps) followUp();
    return result;
  }
}
