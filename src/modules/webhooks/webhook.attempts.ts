/**
 * Records the outcome of webhook attempts: the delivery moves on (SUCCESS, DEAD, FAILED, or PENDING with
 * its next attempt time) and a WebhookAttempt row logs the attempt. Outcomes are written in groups:
 * whatever finished while the previous write was out goes in the next one.
 */
import type { AppServices } from '../../core/services.js';
import type { SendOutcome } from './webhook.sender.js';

interface AttemptRecord {
  delivery: { id: string; attempts: number };
  outcome: SendOutcome;
  status: 'PENDING' | 'SUCCESS' | 'FAILED' | 'DEAD';
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

/** Resolves true once the attempt is logged, false when its delivery was not (its lease was lost, or the webhook deleted). */
type RecordAttempt = (item: AttemptRecord) => Promise<boolean>;

/** At most this many outcomes per statement. */
const GROUP = 200;

export function attemptRecorder(services: AppServices): RecordAttempt {
  const queued: { item: AttemptRecord; done: (recorded: boolean) => void; fail: (error: unknown) => void }[] = [];
  let writing = false;

  async function flush() {
    writing = true;
    while (queued.length) {
      const group = queued.splice(0, GROUP);
      try {
        const logged = new Set((await writeAttempts(services, group.map((g) => g.item))).map((r) => r.deliveryId));
        for (const g of group) g.done(logged.has(g.item.delivery.id));
      } catch (error) {
        for (const g of group) g.fail(error);
      }
    }
    writing = false;
  }

  return (item) =>
    new Promise<boolean>((done, fail) => {
      queued.push({ item, done, fail });
      if (!writing) void flush();
    });
}

/**
 * Records attempts in one statement (atomic by itself): each delivery moves on only while its
 * claim still owns it (a lease that ran out may have been claimed again), a success clears its
 * webhook's failingSince (whatever its claim read: a failure recorded while the request was out must
 * not stay and disable the webhook days later), and each attempt is
 * logged unless the webhook, with its deliveries, was deleted while the request was out.
 * Returns the deliveries whose attempt was logged.
 */
function writeAttempts(services: AppServices, items: AttemptRecord[]): Promise<{ deliveryId: string }[]> {
  const column = <T>(pick: (item: AttemptRecord) => T) => items.map(pick);
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return services.prisma.$queryRawUnsafe<{ deliveryId: string }[]>(
    `WITH o AS (
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::int[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::int[], $11::boolean[])
         AS o(id, attempt, status, "responseStatus", "responseBody", error, "deliveredAt", "nextAttemptAt", "startedAt", "durationMs", success)),
     moved AS (
       UPDATE "WebhookDelivery" d
          SET status = o.status::"DeliveryStatus", "responseStatus" = o."responseStatus", "responseBody" = o."responseBody", error = o.error,
              "deliveredAt" = COALESCE(o."deliveredAt", d."deliveredAt"), "nextAttemptAt" = COALESCE(o."nextAttemptAt", d."nextAttemptAt")
         FROM o
        WHERE d.id = o.id AND d.status = 'PENDING' AND d.attempts = o.attempt
        RETURNING d.id, d."subscriptionId"),
     recovered AS (
       UPDATE "WebhookSubscription" s SET "failingSince" = NULL
         FROM moved JOIN o ON o.id = moved.id
        WHERE o.success AND s.id = moved."subscriptionId" AND s."failingSince" IS NOT NULL)
     INSERT INTO "WebhookAttempt" (id, "deliveryId", attempt, "startedAt", "durationMs", "responseStatus", "responseBody", error, success)
     SELECT gen_random_uuid(), o.id, o.attempt, o."startedAt", o."durationMs", o."responseStatus", o."responseBody", o.error, o.success
       FROM o JOIN "WebhookDelivery" d ON d.id = o.id
     RETURNING "deliveryId"::text AS "deliveryId"`,
    column((i) => i.delivery.id),
    column((i) => i.delivery.attempts),
    column((i) => i.status),
    column((i) => i.outcome.responseStatus),
    column((i) => i.outcome.responseBody),
    column((i) => i.outcome.error),
    column((i) => iso(i.deliveredAt)),
    column((i) => iso(i.nextAttemptAt)),
    column((i) => i.outcome.startedAt.toISOString()),
    column((i) => i.outcome.durationMs),
    column((i) => i.outcome.success),
  );
}
