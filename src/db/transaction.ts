import type { Prisma as PrismaNS } from '../generated/prisma/client.js';
import type { AppServices } from '../graphql/context.js';
import { EventBus } from '../events/event-bus.js';
import type { DomainEvent, EventType } from '../events/event-types.js';

export type Tx = PrismaNS.TransactionClient;
export type Emit = (type: EventType, payload: Record<string, unknown>) => void;

/**
 * Runs `work` in one database transaction; the events it emits are published only once the
 * transaction has committed, so no subscriber ever hears of a change that was rolled back.
 */
export async function transact<T>(
  services: AppServices,
  actor: string,
  work: (tx: Tx, emit: Emit) => Promise<T>,
): Promise<T> {
  const events: DomainEvent[] = [];
  const result = await services.prisma.$transaction(
    (tx) => work(tx, (type, payload) => events.push(EventBus.create(type, payload, actor))),
    { timeout: 60_000, maxWait: 30_000 },
  );
  services.events.publish(events);
  return result;
}
