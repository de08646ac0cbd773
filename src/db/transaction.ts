import type { Prisma as PrismaNS } from '../generated/prisma/client.js';
import type { AppServices } from '../core/services.js';
import { EventBus } from '../events/event-bus.js';
import type { DomainEvent, EventType } from '../events/event-types.js';
import { recordDeliveries } from '../modules/webhooks/webhook.outbox.js';

export type Tx = PrismaNS.TransactionClient;
export type Emit = (type: EventType, payload: Record<string, unknown>) => void;

/**
 * Runs `work` in one database transaction; the events it emits are published only once the
 * transaction has committed, so no subscriber ever hears of a change that was rolled back. Their
 * webhook deliveries are written by the same transaction (outbox), just before it commits.
 */
export async function transact<T>(
  services: AppServices,
  actor: string,
  work: (tx: Tx, emit: Emit) => Promise<T>,
): Promise<T> {
  const events: DomainEvent[] = [];
  let deliveries = 0;
  const result = await services.prisma.$transaction(
    async (tx) => {
      const value = await work(tx, (type, payload) => events.push(EventBus.create(type, payload, actor)));
      deliveries = await recordDeliveries(tx, events);
      return value;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
  services.events.publish(events);
  if (deliveries > 0) services.wake?.('webhooks');
  return result;
}
