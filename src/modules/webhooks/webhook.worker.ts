/**
 * Sends webhook deliveries (WebhookDelivery rows written by the change's own transaction) on the
 * durable queue worker (src/jobs/queue-worker.ts).
 *
 * Deliveries are claimed with FOR UPDATE SKIP LOCKED under a lease: the claim adds the attempt and
 * pushes nextAttemptAt past the subscription's timeout plus a margin, so several workers share the
 * work, a delivery is sent by one claimer at a time, and the deliveries of a crashed worker come
 * back once their lease ends (at least once: receivers dedupe on X-Webhook-Id, the delivery id).
 *
 * Each attempt is one POST (webhook.sender.ts). A 2xx is success; anything else is retried with
 * exponential backoff (base·2^(n−1), ±20 % jitter, capped) up to the subscription's retryCount,
 * then the delivery is DEAD (a dead letter: listed, replayable in bulk). Every attempt is logged as a WebhookAttempt row
 * (webhook.attempts.ts) and published to `webhookDelivery` subscribers.
 *
 * Deliveries of an inactive subscription are held (not claimed) until it is activated again.
 */
import type { AppServices } from '../../core/services.js';
import type { WebhookAttemptEvent } from './webhook.events.js';
import { backoffDelay } from '../../jobs/backoff.js';
import { startQueueWorker, type JobContext } from '../../jobs/queue-worker.js';
import { createWebhookSender, type OutgoingDelivery, type SendOutcome } from './webhook.sender.js';
import { defaultBudgetRegistry } from '../../connectors/shared/rate-limit.js';
import { DEFAULT_DISABLE_AFTER_MS, endpointHealth } from './webhook.health.js';
import { attemptRecorder } from './webhook.attempts.js';
import { webhookChanged } from './webhook.changes.js';
import { webhookViews } from './webhook.views.js';

export interface WebhookWorkerOptions {
  /** Deliveries in flight at once; default 8 (WEBHOOK_CONCURRENCY). */
  concurrency?: number;
  /** How often to look for due deliveries when nobody wakes the worker, in ms; default 1000. */
  pollMs?: number;
  /** Delay before the first retry in ms, doubled per attempt (with jitter); default 1000. */
  baseDelayMs?: number;
  /** Longest delay between attempts in ms; default 3600000 (1 hour). */
  maxDelayMs?: number;
  /** Lease beyond the subscription's timeout, for reading the response and recording it; default 5000 ms. */
  leaseMarginMs?: number;
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS; default false. */
  allowPrivateTargets?: boolean;
  /** Jitter source (tests); default Math.random. */
  random?: () => number;
  /** A webhook whose attempts all failed for this long is disabled; default 5 days (WEBHOOK_DISABLE_AFTER_HOURS). */
  disableAfterMs?: number;
  /**
   * How old the worker's view of a webhook may be when it sends a delivery claimed ahead; default
   * RECHECK_MS. A change another instance makes (disable, pause, new secret or URL) is honoured by
   * every send that starts this long after it committed; one made through this instance at once.
   * 0 reads the webhooks again at every take from the buffer.
   */
  recheckMs?: number;
}

export interface WebhookWorker {
  /** Look for due deliveries now (after a commit recorded some). */
  wake(): void;
  /** Stops claiming, cuts the requests in flight and hands their deliveries back; resolves once idle. */
  stop(): Promise<void>;
}

export interface ClaimedDelivery extends OutgoingDelivery {
  eventId: string;
  /** Including this claim. */
  attempts: number;
  retryCount: number;
  orderingKey: string | null;
  /** The subscription keeps order per key. */
  ordered: boolean;
  maxPerSecond: number | null;
}

/**
 * Claims up to `limit` due deliveries of active subscriptions: one more attempt each, hidden for
 * their timeout + margin. Of an ordered subscription, only the head of each ordering key is due:
 * a delivery waits while an earlier one of its key (lower sequence) is PENDING (waiting, retrying
 * or in flight: a claimed delivery stays PENDING), or DEAD and not replayed under the HOLD policy.
 */
export function claimDeliveries(services: AppServices, limit: number, leaseMarginMs: number, saturated: readonly string[] = []): Promise<ClaimedDelivery[]> {
  // The heads are found in one pass over the waiting rows (sorted by key, bytewise: equality is the
  // same under any deterministic collation), not by probing each candidate's earlier rows: the only
  // index on a key, (subscriptionId, orderingKey, sequence), holds its delivered history too, so a
  // probe read every delivered row of the key for every waiting one (EXPLAIN ANALYZE with 2,064
  // waiting and 60 delivered per key: 81 ms a claim that way, 6.6 ms this way).
  return services.prisma.$queryRaw<ClaimedDelivery[]>`
    WITH heads AS (
      SELECT DISTINCT ON (h."subscriptionId", h."orderingKey" COLLATE "C") h.id
        FROM "WebhookDelivery" h JOIN "WebhookSubscription" hs ON hs.id = h."subscriptionId"
       WHERE hs.ordered AND hs.active AND h."orderingKey" IS NOT NULL
         AND (h.status = 'PENDING' OR (h.status = 'DEAD' AND hs."deadLetterPolicy" = 'HOLD' AND h."replayedAt" IS NULL))
       ORDER BY h."subscriptionId", h."orderingKey" COLLATE "C", h.sequence, h."createdAt", h.id)
    UPDATE "WebhookDelivery" d
       SET attempts = d.attempts + 1, "lastAttemptAt" = now(),
           "nextAttemptAt" = now() + (s."timeoutMs" + ${leaseMarginMs}::int) * interval '1 millisecond'
      FROM "WebhookSubscription" s
     WHERE s.id = d."subscriptionId" AND d.id IN (
       SELECT c.id FROM "WebhookDelivery" c JOIN "WebhookSubscription" cs ON cs.id = c."subscriptionId"
        WHERE c.status = 'PENDING' AND c."nextAttemptAt" <= now() AND cs.active
          AND (cs."pausedUntil" IS NULL OR cs."pausedUntil" <= now())
          AND cs.id <> ALL (${saturated}::uuid[])
          AND (NOT cs.ordered OR c."orderingKey" IS NULL OR c.id IN (SELECT id FROM heads))
        ORDER BY c."nextAttemptAt", c."createdAt"
        LIMIT ${limit}::int
        FOR UPDATE OF c SKIP LOCKED)
    RETURNING d.id::text AS id, d."subscriptionId"::text AS "webhookId", d."eventId", d."eventType", d.body, d.attempts, d."orderingKey",
              s.url, s."secretEncrypted", s."timeoutMs", s."retryCount", s.ordered, s."maxPerSecond",
              s."previousSecretEncrypted", s."previousSecretUntil"`;
}

/**
 * Deliveries claimed ahead per slot (see `ahead`): a claim round trip serves this many requests.
 * With a loaded database a round takes tens of ms (40 ms a top-up in the bench on a loaded machine),
 * as long as several requests to a fast receiver, and one top-up runs at a time: with 4 per slot
 * (16 a top-up) the worker was held to about 16 deliveries per round trip, 300–480/s.
 */
export const AHEAD_PER_SLOT = 8;
/**
 * Answered attempts waiting for the recorder per slot before a slot waits for its own: one write
 * records a group, so the more may wait, the fewer writes. A crash re-sends these (at least once).
 */
export const UNSETTLED_PER_SLOT = 4;
/**
 * Default of WebhookWorkerOptions.recheckMs: a buffered delivery waits at most half the lease margin
 * (2.5 s by default), and a view this young costs one statement per webhook every quarter second
 * of sending, however many deliveries go out meanwhile.
 */
export const RECHECK_MS = 250;

export function startWebhookWorker(services: AppServices, options: WebhookWorkerOptions = {}): WebhookWorker {
  const concurrency = options.concurrency ?? 8;
  const pollMs = options.pollMs ?? 1000;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 3_600_000;
  const leaseMarginMs = options.leaseMarginMs ?? 5000;
  const random = options.random ?? Math.random;
  const log = services.logger.child({ component: 'webhook-worker' });
  const sender = createWebhookSender(services, { allowPrivateTargets: options.allowPrivateTargets ?? false, maxSockets: concurrency });
  const record = attemptRecorder(services);
  const health = endpointHealth(services, { disableAfterMs: options.disableAfterMs ?? DEFAULT_DISABLE_AFTER_MS });
  const views = webhookViews(services, { maxAgeMs: options.recheckMs ?? RECHECK_MS });
  /** Deliveries in flight here per webhook with maxPerSecond: one at its limit is not claimed for (its requests would only wait for slots). */
  const paced = new Map<string, { inFlight: number; max: number }>();
  const saturated = () => [...paced].filter(([, p]) => p.inFlight >= p.max).map(([id]) => id);
  /**
   * Pauses heard here (a 429/503 with Retry-After), from the moment the answer arrives: until the
   * pause is written to the subscription, the claims' own filter cannot see it.
   */
  const paused = new Map<string, number>();
  /**
   * When an endpoint answered 410 Gone here (its webhook is disabled at once): deliveries to it
   * claimed before that are handed back unsent, to wait for the re-enable, not dead-lettered one
   * after another. Until the disable is written (`disabling`), it is not claimed for.
   */
  const gone = new Map<string, number>();
  const disabling = new Set<string>();
  /** When each delivery's claim statement started: its lease runs from then. */
  const claimedAtOf = new WeakMap<ClaimedDelivery, number>();
  /** Webhooks this worker does not claim for now: at their pace limit, paused by their receiver, or being disabled. */
  const excluded = () => {
    const now = Date.now();
    for (const [id, until] of paused) if (until <= now) paused.delete(id);
    return [...saturated(), ...paused.keys(), ...disabling];
  };
  /** Outcomes received and not yet recorded. */
  const unsettled = new Set<Promise<void>>();
  /**
   * Claimed ahead: leased in the database like any claim (a crash gives them back when the lease
   * ends), waiting here for a free slot, so a slot that frees takes its next delivery without a
   * claim round trip (a round takes longer than a request to a fast receiver). At most
   * AHEAD_PER_SLOT × concurrency of them, topped up in the background once half are taken. Pauses
   * and rate limits are checked when one is sent, not only when it was claimed (send()).
   */
  const ahead: { delivery: ClaimedDelivery; claimedAt: number }[] = [];
  const lookahead = AHEAD_PER_SLOT * concurrency;
  /** The background top-up under way, and how many it asked for. */
  let topping: Promise<void> | null = null;
  let toppingFor = 0;
  /** Room left in the buffer, counting what the top-up under way may bring. */
  const room = () => Math.max(0, lookahead - ahead.length - toppingFor);
  /** The last claim from the database filled what it asked for: more may be due. */
  let more = true;
  let stopping = false;

  /**
   * Claims up to `limit` from the database (a webhook at its pace limit or paused is left out). Of a
   * webhook with maxPerSecond, at most that many are kept here at once (the rest go back at once):
   * more would hold slots waiting for its rate limiter while other webhooks' deliveries wait.
   */
  async function claimFresh(limit: number): Promise<ClaimedDelivery[]> {
    const read = views.begin();
    const claimed = await claimDeliveries(services, limit, leaseMarginMs, excluded());
    views.claimed(read, claimed);
    for (const d of claimed) claimedAtOf.set(d, read.startedAt);
    more = claimed.length >= limit;
    const kept: ClaimedDelivery[] = [];
    const beyondPace: ClaimedDelivery[] = [];
    for (const d of claimed) {
      if (!d.maxPerSecond) {
        kept.push(d);
        continue;
      }
      const p = paced.get(d.webhookId) ?? { inFlight: 0, max: d.maxPerSecond };
      p.max = d.maxPerSecond;
      paced.set(d.webhookId, p);
      if (p.inFlight >= p.max) beyondPace.push(d);
      else {
        p.inFlight++;
        kept.push(d);
      }
    }
    // Those kept are counted against their webhook's pace: they must reach a slot or the buffer even
    // when this fails (a lost count would keep the webhook from being claimed here until a restart).
    await giveBack(beyondPace).catch((error: unknown) => log.warn({ err: error }, 'deliveries beyond their pace could not be handed back; they come back when their lease ends'));
    return kept;
  }

  /**
   * Up to `limit` deliveries claimed ahead. One that waited here for half the lease margin is handed
   * back rather than sent: its lease might end during the request (from the start of the request on,
   * the heartbeat keeps it).
   */
  async function takeAhead(limit: number): Promise<ClaimedDelivery[]> {
    const taken: ClaimedDelivery[] = [];
    const stale: ClaimedDelivery[] = [];
    const oldest = Date.now() - leaseMarginMs / 2;
    while (taken.length < limit && ahead.length) {
      const { delivery, claimedAt } = ahead.shift()!;
      (claimedAt < oldest ? stale : taken).push(delivery);
    }
    await handBack(stale).catch((error: unknown) => log.warn({ err: error }, 'stale deliveries could not be handed back; they come back when their lease ends'));
    if (!taken.length) return taken;
    // While they waited here, their webhook may have been disabled or deleted, paused by another
    // instance, or given a new secret or URL: those go back uncounted and are claimed again as it now
    // is. Their leases still hold (they waited less than half the margin), so only the webhook is checked.
    const { current, changed } = await views
      .check(
        taken,
        ahead.map((a) => a.delivery),
      )
      .catch((error: unknown) => {
        for (const d of taken) unpace(d); // they come back when their lease ends
        throw error;
      });
    await handBack(changed).catch((error: unknown) => log.warn({ err: error }, 'deliveries whose webhook changed could not be handed back; they come back when their lease ends'));
    return current;
  }

  /** Claims what the buffer lacks in the background; the slots that are free when it lands take it. */
  function topUp() {
    if (topping || stopping || !more || ahead.length > lookahead / 2) return;
    toppingFor = lookahead - ahead.length;
    topping = claimFresh(toppingFor)
      .then(async (claimed) => {
        if (stopping) return handBack(claimed);
        for (const delivery of claimed) ahead.push({ delivery, claimedAt: claimedAtOf.get(delivery)! });
        if (claimed.length) worker.wake();
      })
      .catch((error: unknown) => log.warn({ err: error }, 'claiming ahead failed; the next round claims again'))
      .finally(() => {
        topping = null;
        toppingFor = 0;
      });
  }

  /** Hands claimed deliveries back unsent, in one statement: their claim's attempt is not counted, they are due at `at` (default now). */
  async function giveBack(deliveries: readonly ClaimedDelivery[], at = new Date()) {
    if (!deliveries.length) return;
    await services.prisma.$executeRaw`
      UPDATE "WebhookDelivery" d SET attempts = d.attempts - 1, "nextAttemptAt" = ${at}::timestamptz
        FROM unnest(${deliveries.map((x) => x.id)}::uuid[], ${deliveries.map((x) => x.attempts)}::int[]) AS g(id, attempts)
       WHERE d.id = g.id AND d.status = 'PENDING' AND d.attempts = g.attempts`;
  }

  /** Gives back deliveries claimed ahead that no slot took. */
  async function handBack(deliveries: readonly ClaimedDelivery[]) {
    for (const d of deliveries) unpace(d);
    await giveBack(deliveries);
  }

  function unpace(delivery: ClaimedDelivery) {
    const p = paced.get(delivery.webhookId);
    if (p && --p.inFlight <= 0) paced.delete(delivery.webhookId);
  }

  const worker = startQueueWorker<ClaimedDelivery>({
    logger: log,
    concurrency,
    pollMs,
    claim: async (limit) => {
      const claimed = await takeAhead(limit);
      // Short of what the slots need: one round trip claims for them and for the buffer.
      if (claimed.length < limit && (more || claimed.length === 0)) {
        // Those taken from the buffer are leased and counted against their pace: a failed claim starts them anyway.
        const fresh = await claimFresh(limit - claimed.length + room()).catch((error: unknown) => {
          if (!claimed.length) throw error;
          log.warn({ err: error }, 'claiming failed; sending those claimed ahead');
          return [];
        });
        claimed.push(...fresh.splice(0, limit - claimed.length));
        for (const delivery of fresh) ahead.push({ delivery, claimedAt: claimedAtOf.get(delivery)! });
      }
      topUp();
      return claimed;
    },
    more: (claimed, limit) => ahead.length > 0 || (more && claimed.length >= limit),
    // A delivery waiting for a rate-limit slot (or a slow receiver) keeps its lease.
    heartbeat: {
      everyMs: Math.max(100, Math.floor(leaseMarginMs / 2)),
      beat: async (delivery, ctx) => {
        const kept = await services.prisma.$executeRaw`
          UPDATE "WebhookDelivery" SET "nextAttemptAt" = now() + (${delivery.timeoutMs}::int + ${leaseMarginMs}::int) * interval '1 millisecond'
           WHERE id = ${delivery.id}::uuid AND status = 'PENDING' AND attempts = ${delivery.attempts}::int`;
        if (kept === 0) ctx.abort(new Error('lease lost'));
      },
    },
    handle: attempt,
    key: (delivery) => delivery.id,
    // Cut by shutdown: hand the delivery back now rather than after the lease (nothing is logged).
    release: (delivery) => giveBack([delivery]),
    onError: (delivery, error) => log.error({ err: error, deliveryId: delivery.id }, 'webhook attempt could not be recorded; it is retried when its lease ends'),
  });

  // With Redis, events recorded by other instances (ROLE=api) wake this worker at once, and a
  // webhook another instance disabled is checked again before its next buffered delivery goes.
  const heard = services.redis ? services.events.subscribe() : null;
  if (heard) {
    void (async () => {
      for await (const event of heard) {
        if (event.type === 'webhook.disabled' && typeof event.payload.webhookId === 'string') webhookChanged(services, event.payload.webhookId);
        worker.wake();
      }
    })().catch(() => {});
  }

  async function attempt(delivery: ClaimedDelivery, ctx: JobContext) {
    try {
      await send(delivery, ctx);
    } finally {
      unpace(delivery);
    }
  }

  async function send(delivery: ClaimedDelivery, ctx: JobContext) {
    if (delivery.maxPerSecond) {
      const budget = defaultBudgetRegistry.get({ key: `webhook:${delivery.webhookId}`, rule: { limit: delivery.maxPerSecond, periodMs: 1000 }, redis: services.redis });
      await budget.acquire(ctx.signal).catch((error: unknown) => {
        throw ctx.signal.aborted ? ctx.signal.reason : error;
      });
    }
    // Its receiver asked to slow down since this delivery was claimed (it waited ahead, or for a pace slot).
    const pausedUntil = paused.get(delivery.webhookId) ?? 0;
    if (pausedUntil > Date.now()) return giveBack([delivery], new Date(pausedUntil));
    // Its endpoint answered 410 Gone since this delivery was claimed: it waits for the webhook's re-enable.
    if ((gone.get(delivery.webhookId) ?? -Infinity) >= (claimedAtOf.get(delivery) ?? 0)) return giveBack([delivery]);
    const outcome = await sender.send(delivery, ctx.signal);
    if (outcome === null) throw ctx.signal.reason;
    const isGone = outcome.responseStatus === 410;
    if (isGone) {
      gone.set(delivery.webhookId, Date.now());
      disabling.add(delivery.webhookId);
    }
    if (outcome.retryAfterMs !== null) return throttled(delivery, outcome, Math.min(outcome.retryAfterMs, maxDelayMs));
    // The slot sends the next delivery while this outcome waits for the recorder's next group (a write
    // takes longer than a request to a fast receiver). The delivery keeps its lease meanwhile. Beyond
    // UNSETTLED_PER_SLOT × concurrency outcomes waiting, the slot waits too. A crash leaves at most
    // (UNSETTLED_PER_SLOT + 1 + AHEAD_PER_SLOT) × concurrency claims unlogged: these, the requests
    // out, and those claimed ahead (not sent; their claim counted one attempt).
    const settling = settle(delivery, outcome)
      .catch((error: unknown) => log.error({ err: error, deliveryId: delivery.id }, 'webhook attempt could not be recorded; it is retried when its lease ends'))
      .finally(() => isGone && disabling.delete(delivery.webhookId));
    unsettled.add(settling);
    void settling.finally(() => unsettled.delete(settling));
    if (unsettled.size > UNSETTLED_PER_SLOT * concurrency) await settling;
  }

  /** Records an attempt's outcome, then tells whoever waits for it (metrics, log, subscribers, health, the next of its key). */
  async function settle(delivery: ClaimedDelivery, outcome: SendOutcome) {
    const now = Date.now();
    const gone = outcome.responseStatus === 410;
    const status = outcome.success ? 'SUCCESS' : outcome.abort ? 'FAILED' : gone || delivery.attempts > delivery.retryCount ? 'DEAD' : 'PENDING';
    const delayMs = status === 'PENDING' ? backoffDelay(delivery.attempts, baseDelayMs, maxDelayMs, random) : 0;
    const nextAttemptAt = status === 'PENDING' ? new Date(now + delayMs) : null;
    const recorded = await record({ delivery, outcome, status, nextAttemptAt, deliveredAt: outcome.success ? new Date(now) : null });
    if (!recorded) return;
    services.metrics?.webhookDeliveries.inc({ outcome: outcome.success ? 'success' : status === 'PENDING' ? 'failed_attempt' : 'given_up' });
    const context = { deliveryId: delivery.id, webhookId: delivery.webhookId, eventType: delivery.eventType, attempt: delivery.attempts, responseStatus: outcome.responseStatus, durationMs: outcome.durationMs };
    if (outcome.success) log.debug(context, 'webhook delivered');
    else if (status === 'FAILED') log.info({ ...context, error: outcome.error }, 'webhook delivery stopped by its receiver (webhook-delivery: abort)');
    else if (status === 'DEAD') log.warn({ ...context, error: outcome.error }, `webhook delivery dead-lettered after ${delivery.attempts} attempt(s)`);
    else log.info({ ...context, error: outcome.error, retryInMs: delayMs }, 'webhook attempt failed; retrying');
    // A retry due soon is claimed then, not at the next poll (a later one: the poll is close enough).
    if (nextAttemptAt && delayMs < pollMs * 5) worker.wakeIn(delayMs + 5);
    // The next delivery of this key was held behind this one: claim it now, not at the next poll.
    else if (!nextAttemptAt && delivery.ordered && delivery.orderingKey) worker.wake();
    const event: WebhookAttemptEvent = {
      webhookId: delivery.webhookId,
      deliveryId: delivery.id,
      eventId: delivery.eventId,
      eventType: delivery.eventType,
      attempt: delivery.attempts,
      success: outcome.success,
      status,
      responseStatus: outcome.responseStatus,
      error: outcome.error,
      durationMs: outcome.durationMs,
      nextAttemptAt: nextAttemptAt?.toISOString() ?? null,
      at: new Date(now).toISOString(),
    };
    services.events.publishWebhookAttempt(event);
    // A success's end of the failing run is written with its outcome (webhook.attempts.ts).
    if (!outcome.success && !outcome.abort) {
      await health.failed(delivery.webhookId, gone ? `its endpoint answered 410 Gone (${delivery.url})` : null);
    }
  }

  /**
   * A 429/503 with Retry-After: the attempt is not counted (nor logged as one), this delivery waits
   * that long, and so does every delivery to the webhook (its pausedUntil), on every worker.
   */
  async function throttled(delivery: ClaimedDelivery, outcome: SendOutcome, waitMs: number) {
    const until = new Date(Date.now() + waitMs);
    paused.set(delivery.webhookId, Math.max(paused.get(delivery.webhookId) ?? 0, until.getTime()));
    await services.prisma.$transaction([
      services.prisma.webhookDelivery.updateMany({
        where: { id: delivery.id, status: 'PENDING', attempts: delivery.attempts },
        data: { attempts: { decrement: 1 }, nextAttemptAt: until, responseStatus: outcome.responseStatus, responseBody: outcome.responseBody, error: `throttled by the receiver (HTTP ${outcome.responseStatus}, Retry-After ${Math.ceil(waitMs / 1000)} s); not counted as an attempt` },
      }),
      services.prisma.$executeRaw`UPDATE "WebhookSubscription" SET "pausedUntil" = GREATEST(COALESCE("pausedUntil", ${until}::timestamptz), ${until}::timestamptz) WHERE id = ${delivery.webhookId}::uuid`,
    ]);
    log.info({ deliveryId: delivery.id, webhookId: delivery.webhookId, responseStatus: outcome.responseStatus, waitMs }, 'webhook receiver asked to slow down; its deliveries wait');
    worker.wakeIn(waitMs + 5);
  }

  return {
    wake: worker.wake,
    async stop() {
      stopping = true;
      const stopped = worker.stop();
      await heard?.return(undefined);
      await stopped;
      await topping;
      await handBack(ahead.splice(0).map((a) => a.delivery));
      await Promise.all(unsettled);
      views.close();
      sender.close();
    },
  };
}
