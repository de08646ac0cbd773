/**
 * Sends webhook deliveries (WebhookDelivery rows written by the change's own transaction).
 *
 * Deliveries are claimed with FOR UPDATE SKIP LOCKED under a lease: the claim adds the attempt and
 * pushes nextAttemptAt past the subscription's timeout plus a margin, so several workers share the
 * work, a delivery is sent by one claimer at a time, and the deliveries of a crashed worker come
 * back once their lease ends (at least once: receivers dedupe on X-Webhook-Id, the delivery id).
 *
 * Each attempt POSTs the stored body with the signed headers (see webhook.signing.ts), is cut at
 * the subscription's timeout, follows no redirect, and connects only to addresses that pass the
 * target policy (checked again here, on the addresses actually connected to). A 2xx is success;
 * anything else is retried with exponential backoff (base·2^(n−1), ±20 % jitter, capped) up to the
 * subscription's retryCount, then the delivery is FAILED. Every attempt is logged as a
 * WebhookAttempt row and published to `webhookDelivery` subscribers.
 *
 * Deliveries of an inactive subscription are held (not claimed) until it is activated again.
 */
import http from 'node:http';
import https from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import type { AppServices } from '../../core/services.js';
import type { WebhookAttemptEvent } from './webhook.events.js';
import { secretOf } from './webhook.service.js';
import { signedHeaders } from './webhook.signing.js';
import { checkLiteralHost, guardedLookup, TargetRefused } from '../outbound/target-policy.js';

export interface WebhookWorkerOptions {
  /** Deliveries in flight at once; default 8 (WEBHOOK_CONCURRENCY). */
  concurrency?: number;
  /** How often to look for due deliveries when nobody kicks the worker, in ms; default 1000. */
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
}

export interface WebhookWorker {
  /** Look for due deliveries now (after a commit recorded some). */
  kick(): void;
  /** Stops claiming, cuts the requests in flight and hands their deliveries back; resolves once idle. */
  stop(): Promise<void>;
}

export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  body: string;
  /** Including this claim. */
  attempts: number;
  url: string;
  secretEncrypted: string;
  timeoutMs: number;
  retryCount: number;
}

/** Longest response body excerpt kept, in bytes. */
export const EXCERPT_BYTES = 1024;
/** Response bytes read at most (the rest is dropped with the connection). */
const MAX_READ_BYTES = 64 * 1024;

/** Exponential backoff, base·2^(attempts−1) capped at `maxDelayMs`, with ±20 % jitter. */
export function webhookRetryDelay(attempts: number, baseDelayMs: number, maxDelayMs: number, random = Math.random): number {
  const raw = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(Math.min(maxDelayMs, raw * (0.8 + 0.4 * random())));
}

/** Claims up to `limit` due deliveries of active subscriptions: one more attempt each, hidden for their timeout + margin. */
export function claimDeliveries(services: AppServices, limit: number, leaseMarginMs: number): Promise<ClaimedDelivery[]> {
  return services.prisma.$queryRaw<ClaimedDelivery[]>`
    UPDATE "WebhookDelivery" d
       SET attempts = d.attempts + 1, "lastAttemptAt" = now(),
           "nextAttemptAt" = now() + (s."timeoutMs" + ${leaseMarginMs}::int) * interval '1 millisecond'
      FROM "WebhookSubscription" s
     WHERE s.id = d."subscriptionId" AND d.id IN (
       SELECT c.id FROM "WebhookDelivery" c JOIN "WebhookSubscription" cs ON cs.id = c."subscriptionId"
        WHERE c.status = 'PENDING' AND c."nextAttemptAt" <= now() AND cs.active
        ORDER BY c."nextAttemptAt", c."createdAt"
        LIMIT ${limit}::int
        FOR UPDATE OF c SKIP LOCKED)
    RETURNING d.id::text AS id, d."subscriptionId"::text AS "webhookId", d."eventId", d."eventType", d.body, d.attempts,
              s.url, s."secretEncrypted", s."timeoutMs", s."retryCount"`;
}

interface Outcome {
  startedAt: Date;
  durationMs: number;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  success: boolean;
}

class Stopped extends Error {}

export function startWebhookWorker(services: AppServices, options: WebhookWorkerOptions = {}): WebhookWorker {
  const concurrency = options.concurrency ?? 8;
  const pollMs = options.pollMs ?? 1000;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 3_600_000;
  const leaseMarginMs = options.leaseMarginMs ?? 5000;
  const allowPrivate = options.allowPrivateTargets ?? false;
  const random = options.random ?? Math.random;
  const { prisma } = services;
  const log = services.logger.child({ component: 'webhook-worker' });
  const stopping = new AbortController();
  const lookup = guardedLookup(allowPrivate);
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: concurrency }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: concurrency }),
  };

  let active = 0;
  const inFlight = new Set<Promise<void>>();
  let pumping: Promise<void> | null = null;
  let again = false;
  /** The last claim filled every free slot: more may be waiting. */
  let backlog = false;
  const wakeups = new Set<NodeJS.Timeout>();

  const poll = setInterval(kick, pollMs);
  poll.unref();

  // With Redis, events recorded by other instances (ROLE=api) wake this worker at once.
  const heard = services.redis ? services.events.subscribe() : null;
  if (heard) {
    void (async () => {
      for await (const _event of heard) kick();
    })().catch(() => {});
  }

  function kick() {
    if (stopping.signal.aborted) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = pump()
      .catch((error) => log.error({ err: error }, 'webhook claim failed; retrying at the next poll'))
      .finally(() => {
        pumping = null;
        if (again) kick();
      });
  }

  async function pump() {
    do {
      again = false;
      while (!stopping.signal.aborted && active < concurrency) {
        const free = concurrency - active;
        const claimed = await claimDeliveries(services, free, leaseMarginMs);
        backlog = claimed.length === free;
        for (const delivery of claimed) start(delivery);
        if (!backlog) break;
      }
    } while (again && !stopping.signal.aborted && active < concurrency);
  }

  function start(delivery: ClaimedDelivery) {
    active++;
    const task = attempt(delivery)
      .catch((error) => log.error({ err: error, deliveryId: delivery.id }, 'webhook attempt could not be recorded; it is retried when its lease ends'))
      .finally(() => {
        active--;
        inFlight.delete(task);
        if (backlog) kick();
      });
    inFlight.add(task);
  }

  async function attempt(delivery: ClaimedDelivery) {
    const outcome = await send(delivery);
    if (outcome === null) {
      // Cut by shutdown: hand the delivery back now rather than after the lease (nothing is logged).
      await prisma.webhookDelivery.updateMany({
        where: { id: delivery.id, status: 'PENDING', attempts: delivery.attempts },
        data: { attempts: { decrement: 1 }, nextAttemptAt: new Date() },
      });
      return;
    }
    const now = Date.now();
    const status = outcome.success ? 'SUCCESS' : delivery.attempts > delivery.retryCount ? 'FAILED' : 'PENDING';
    const delayMs = status === 'PENDING' ? webhookRetryDelay(delivery.attempts, baseDelayMs, maxDelayMs, random) : 0;
    const nextAttemptAt = status === 'PENDING' ? new Date(now + delayMs) : null;
    const recorded = await record({ delivery, outcome, status, nextAttemptAt, deliveredAt: outcome.success ? new Date(now) : null });
    if (!recorded) return;
    services.metrics?.webhookDeliveries.inc({ outcome: outcome.success ? 'success' : status === 'FAILED' ? 'given_up' : 'failed_attempt' });
    const context = { deliveryId: delivery.id, webhookId: delivery.webhookId, eventType: delivery.eventType, attempt: delivery.attempts, responseStatus: outcome.responseStatus, durationMs: outcome.durationMs };
    if (outcome.success) log.debug(context, 'webhook delivered');
    else if (status === 'FAILED') log.warn({ ...context, error: outcome.error }, `webhook delivery failed for good after ${delivery.attempts} attempt(s)`);
    else log.info({ ...context, error: outcome.error, retryInMs: delayMs }, 'webhook attempt failed; retrying');
    if (nextAttemptAt) wakeAt(delayMs);
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
  }

  // Outcomes are written in groups: whatever finished while the previous write was out goes in the next one.
  const queued: { item: AttemptRecord; done: (recorded: boolean) => void; fail: (error: unknown) => void }[] = [];
  let writing = false;

  function record(item: AttemptRecord): Promise<boolean> {
    return new Promise<boolean>((done, fail) => {
      queued.push({ item, done, fail });
      if (!writing) void flush();
    });
  }

  async function flush() {
    writing = true;
    while (queued.length) {
      const group = queued.splice(0, 200);
      try {
        const logged = new Set((await writeAttempts(services, group.map((g) => g.item))).map((r) => r.deliveryId));
        for (const g of group) g.done(logged.has(g.item.delivery.id));
      } catch (error) {
        for (const g of group) g.fail(error);
      }
    }
    writing = false;
  }

  /** A retry due in `delayMs` is claimed then, not at the next poll. */
  function wakeAt(delayMs: number) {
    if (delayMs >= pollMs * 5) return; // the poll is close enough
    const timer = setTimeout(() => {
      wakeups.delete(timer);
      kick();
    }, delayMs + 5);
    timer.unref();
    wakeups.add(timer);
  }

  /** One HTTP attempt; null when shutdown cut it. */
  async function send(delivery: ClaimedDelivery): Promise<Outcome | null> {
    const startedAt = new Date();
    const result = (partial: Omit<Outcome, 'startedAt' | 'durationMs'>): Outcome => ({ startedAt, durationMs: Date.now() - startedAt.getTime(), ...partial });
    const timeout = AbortSignal.timeout(delivery.timeoutMs);
    try {
      const url = new URL(delivery.url);
      checkLiteralHost(url, { allowPrivate });
      const secret = secretOf(services, { id: delivery.webhookId, secretEncrypted: delivery.secretEncrypted });
      const headers = signedHeaders(secret, delivery, Math.floor(Date.now() / 1000));
      const response = await post(url, headers, delivery.body, AbortSignal.any([stopping.signal, timeout]));
      const success = response.status >= 200 && response.status < 300;
      let error: string | null = null;
      if (response.status >= 300 && response.status < 400) error = `redirect (${response.status}${response.location ? ` to ${response.location}` : ''}) not followed`;
      else if (!success) error = `HTTP ${response.status}`;
      return result({ responseStatus: response.status, responseBody: response.excerpt, error, success });
    } catch (error) {
      if (stopping.signal.aborted) return null;
      const message = timeout.aborted
        ? `timed out after ${delivery.timeoutMs} ms`
        : error instanceof TargetRefused
          ? `target refused: ${error.message}`
          : errorMessage(error);
      return result({ responseStatus: null, responseBody: null, error: message.slice(0, 1000).replaceAll('\u0000', ''), success: false });
    }
  }

  function post(url: URL, headers: Record<string, string>, body: string, signal: AbortSignal) {
    const payload = Buffer.from(body, 'utf8');
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<{ status: number; excerpt: string; location?: string }>((resolve, reject) => {
      const request = client.request(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(payload.length) },
          agent: agents[url.protocol as 'http:' | 'https:'],
          lookup,
          signal,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const done = () => {
            // Whole characters only (a cut multi-byte one is dropped), and no NULs (PostgreSQL text refuses them).
            const excerpt = new StringDecoder('utf8').write(Buffer.concat(chunks).subarray(0, EXCERPT_BYTES)).replaceAll('\u0000', '');
            resolve({ status: response.statusCode ?? 0, excerpt, location: response.headers.location });
          };
          response.on('data', (chunk: Buffer) => {
            if (size < EXCERPT_BYTES) chunks.push(chunk);
            size += chunk.length;
            if (size > MAX_READ_BYTES) {
              done();
              response.destroy();
            }
          });
          response.on('end', done);
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }

  return {
    kick,
    async stop() {
      stopping.abort(new Stopped('stopped'));
      clearInterval(poll);
      for (const timer of wakeups) clearTimeout(timer);
      await heard?.return(undefined);
      await pumping;
      await Promise.all([...inFlight]);
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

interface AttemptRecord {
  delivery: ClaimedDelivery;
  outcome: Outcome;
  status: 'PENDING' | 'SUCCESS' | 'FAILED';
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

/**
 * Records attempts in one statement (atomic by itself): each delivery moves on only while its
 * claim still owns it (a lease that ran out may have been claimed again), and each attempt is
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
        RETURNING d.id)
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

function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const cause = (error as { cause?: unknown }).cause;
  const base = code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  return cause instanceof Error && cause.message !== error.message ? `${base}: ${cause.message}` : base;
}
