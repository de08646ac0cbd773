/**
 * The webhook outbox: each domain event becomes one WebhookDelivery per active subscription that
 * wants it (an empty events list wants every event), written by the transaction that made the
 * change, so a rolled-back change sends nothing and a crash after commit loses nothing.
 */
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { DomainEvent } from '../../events/event-types.js';
import type { CommitHooks } from '../../db/transaction.js';

/** The JSON body a receiver gets, serialized once: signatures are over exactly these bytes. */
export function deliveryBody(event: DomainEvent): string {
  return JSON.stringify({ id: event.id, type: event.type, occurredAt: event.occurredAt, actor: event.actor, data: event.payload }, (_key, value) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
}

/**
 * Inserts the deliveries of `events` in one set-based statement (INSERT … SELECT over the active
 * subscriptions); returns how many rows it wrote. Give it the transaction of the change; a lone
 * client works too where the events need no other write (one statement is atomic by itself).
 */
export async function recordDeliveries(tx: Prisma.TransactionClient | PrismaClient, events: readonly DomainEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  // clock_timestamp() keeps the events' order in createdAt (now() is the same for the whole transaction).
  return tx.$executeRawUnsafe(
    `INSERT INTO "WebhookDelivery" (id, "subscriptionId", "eventId", "eventType", body, status, attempts, "nextAttemptAt", "createdAt")
     SELECT gen_random_uuid(), s.id, e.id, e.type, e.body, 'PENDING', 0, now(), clock_timestamp()
       FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS e(id, type, body, ord)
       JOIN "WebhookSubscription" s ON s.active AND (cardinality(s.events) = 0 OR e.type = ANY (s.events))
      ORDER BY e.ord, s.id`,
    events.map((e) => e.id),
    events.map((e) => e.type),
    events.map(deliveryBody),
  );
}

/** The outbox as a before-commit hook of transact(): `wake` runs after a commit that recorded deliveries. */
export function webhookOutbox(wake: () => void): CommitHooks['beforeCommit'][number] {
  return async (tx, events) => ((await recordDeliveries(tx, events)) > 0 ? wake : undefined);
}
