/**
 * The webhook outbox: each domain event becomes one WebhookDelivery per active subscription that
 * wants it (an empty events list wants every event), written by the transaction that made the
 * change, so a rolled-back change sends nothing and a crash after commit loses nothing.
 *
 * Each event about an object carries its ordering key (webhook.ordering.ts) and the next number of
 * that key's sequence. The number is taken from a counter row (WebhookKeySequence) whose lock the
 * transaction holds until it commits, so a later transaction on the same key waits and its number
 * is higher: the sequence follows commit order, which is the order the worker sends them in.
 */
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { DomainEvent } from '../../events/event-types.js';
import type { CommitHooks } from '../../db/transaction.js';
import { orderingKeyOf } from './webhook.ordering.js';

/** The JSON body a receiver gets, serialized once: signatures are over exactly these bytes. */
export function deliveryBody(event: DomainEvent, ordering: { key: string | null; sequence: number | null } = { key: null, sequence: null }): string {
  return JSON.stringify(
    { id: event.id, type: event.type, occurredAt: event.occurredAt, actor: event.actor, orderingKey: ordering.key, sequence: ordering.sequence, data: event.payload },
    (_key, value) => (typeof value === 'bigint' ? value.toString() : value),
  );
}

type Db = Prisma.TransactionClient | PrismaClient;

/** Event types some active subscription wants; null: one wants every type. */
async function wantedTypes(tx: Db): Promise<Set<string> | null> {
  const rows = await tx.$queryRaw<{ type: string | null }[]>`
    SELECT DISTINCT t.type FROM "WebhookSubscription" s LEFT JOIN LATERAL unnest(s.events) AS t(type) ON true WHERE s.active`;
  if (rows.some((r) => r.type === null)) return null;
  return new Set(rows.map((r) => r.type!));
}

/** Takes `count` numbers of each key's sequence (keys locked in sorted order: no deadlock between two takers); returns the last taken. */
async function takeSequences(tx: Db, counts: Map<string, number>): Promise<Map<string, number>> {
  if (counts.size === 0) return new Map();
  const keys = [...counts.keys()].sort();
  const rows = await tx.$queryRaw<{ key: string; seq: number }[]>`
    INSERT INTO "WebhookKeySequence" (key, seq)
    SELECT k, n FROM unnest(${keys}::text[], ${keys.map((k) => counts.get(k)!)}::int[]) AS t(k, n) ORDER BY k
    ON CONFLICT (key) DO UPDATE SET seq = "WebhookKeySequence".seq + EXCLUDED.seq
    RETURNING key, seq`;
  return new Map(rows.map((r) => [r.key, Number(r.seq)]));
}

/**
 * Inserts the deliveries of `events` (INSERT … SELECT over the active subscriptions); returns how
 * many rows it wrote. Give it the transaction of the change; a lone client works too where the
 * events need no other write and no ordering (each statement is atomic by itself).
 */
export async function recordDeliveries(tx: Db, events: readonly DomainEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const types = await wantedTypes(tx);
  const wanted = types === null ? events : events.filter((e) => types.has(e.type));
  if (wanted.length === 0) return 0;
  const keys = wanted.map(orderingKeyOf);
  const counts = new Map<string, number>();
  for (const key of keys) if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  const last = await takeSequences(tx, counts);
  // Within the transaction, a key's events are numbered in the order they were emitted.
  const next = new Map([...counts].map(([key, n]) => [key, last.get(key)! - n + 1]));
  const sequences = keys.map((key) => {
    if (!key) return null;
    const seq = next.get(key)!;
    next.set(key, seq + 1);
    return seq;
  });
  // clock_timestamp() keeps the events' order in createdAt (now() is the same for the whole transaction).
  return tx.$executeRawUnsafe(
    `INSERT INTO "WebhookDelivery" (id, "subscriptionId", "eventId", "eventType", body, status, attempts, "nextAttemptAt", "createdAt", "orderingKey", sequence)
     SELECT gen_random_uuid(), s.id, e.id, e.type, e.body, 'PENDING', 0, now(), clock_timestamp(), e.key, e.seq
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[]) WITH ORDINALITY AS e(id, type, body, key, seq, ord)
       JOIN "WebhookSubscription" s ON s.active AND (cardinality(s.events) = 0 OR e.type = ANY (s.events))
      ORDER BY e.ord, s.id`,
    wanted.map((e) => e.id),
    wanted.map((e) => e.type),
    wanted.map((e, i) => deliveryBody(e, { key: keys[i]!, sequence: sequences[i]! })),
    keys,
    sequences,
  );
}

/** The outbox as a before-commit hook of transact(): `wake` runs after a commit that recorded deliveries. */
export function webhookOutbox(wake: () => void): CommitHooks['beforeCommit'][number] {
  return async (tx, events) => ((await recordDeliveries(tx, events)) > 0 ? wake : undefined);
}
