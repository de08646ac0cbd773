/**
 * Sends queued user edits (PushJob rows, written in the edit's own transaction) to the marketplaces.
 * Jobs are claimed durably with SKIP LOCKED and a lease, so several instances share the work, a job
 * is pushed by one claimer at a time, and a crashed claimer's jobs come back once the lease ends.
 * A push sets an absolute value, so a push repeated after a crash does no harm. The loop is the
 * durable queue worker (src/jobs/queue-worker.ts); this file keeps the claim and the pushes.
 */
import type { MarketplaceAccount, PushKind } from '../../generated/prisma/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { AppServices } from '../../core/services.js';
import type { ConnectorContext, PushResult } from '../../connectors/connector.js';
import { connectorFor } from '../accounts/account-connector.js';
import { lockListing } from './catalog-edit.service.js';
import { backoffDelay } from '../../jobs/backoff.js';
import { transact, type Emit } from '../../db/transaction.js';
import type { PushState } from './listing-push.service.js';
import { startQueueWorker, type JobContext } from '../../jobs/queue-worker.js';

export interface PushWorkerOptions {
  /** How often to look for due jobs when nobody wakes the worker, in ms; default 1000. */
  pollMs?: number;
  /** Jobs claimed per round; default 100. */
  batchSize?: number;
  /** Attempts before a job is given up as FAILED; default 8. */
  maxAttempts?: number;
  /** Delay before the first retry in ms, doubled per attempt (with jitter); default 1000. */
  baseDelayMs?: number;
  /** Longest delay between attempts in ms; default 300000 (5 minutes). */
  maxDelayMs?: number;
  /** How long a claim hides a job from other claimers, in ms; default 60000. Pushes are cut off before it ends. */
  leaseMs?: number;
  /** Connector collaborators and overrides; default: retries 2 (the outbox retries anyway), the app's Redis. */
  connector?: Partial<ConnectorContext>;
}

export interface PushWorker {
  /** Look for due jobs now (after an edit committed). */
  wake(): void;
  /** Stops polling, cancels pushes in flight and hands their jobs back; resolves once idle. */
  stop(): Promise<void>;
}

export interface ClaimedJob {
  id: string;
  listingId: string;
  accountId: string;
  kind: PushKind;
  value: string;
  /** Including this claim. */
  attempts: number;
}

type Failure = { job: ClaimedJob; ok: false; error: string; permanent: boolean };
type Outcome = { job: ClaimedJob; ok: true } | Failure;

const money = (value: Prisma.Decimal | string) => new Prisma.Decimal(value).toFixed(2);
const shortError = (text: string) => (text.length > 500 ? `${text.slice(0, 500)}…` : text);

/**
 * Claims up to `batchSize` due jobs in one statement: each gets one more attempt and is hidden for
 * `leaseMs`. Rows another claimer holds are skipped, not waited for.
 */
export function claimPushJobs(services: AppServices, batchSize: number, leaseMs: number): Promise<ClaimedJob[]> {
  return services.prisma.$queryRaw<ClaimedJob[]>`
    UPDATE "PushJob"
       SET attempts = attempts + 1, "nextAttemptAt" = now() + ${leaseMs}::int * interval '1 millisecond'
     WHERE id IN (
       SELECT id FROM "PushJob"
        WHERE status = 'PENDING' AND "nextAttemptAt" <= now()
        ORDER BY "createdAt"
        LIMIT ${batchSize}::int
        FOR UPDATE SKIP LOCKED)
    RETURNING id::text AS id, "listingId"::text AS "listingId", "accountId"::text AS "accountId", kind::text AS kind, value, attempts`;
}

export function startPushWorker(services: AppServices, options: PushWorkerOptions = {}): PushWorker {
  const pollMs = options.pollMs ?? 1000;
  const batchSize = options.batchSize ?? 100;
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 300_000;
  const leaseMs = options.leaseMs ?? 60_000;
  const { prisma, logger } = services;
  const log = logger.child({ component: 'push-worker' });

  // One claimed batch is one job: its pushes go out grouped by account and kind.
  const worker = startQueueWorker<ClaimedJob[]>({
    logger: log,
    pollMs,
    claim: async () => {
      const jobs = await claimPushJobs(services, batchSize, leaseMs);
      return jobs.length ? [jobs] : [];
    },
    more: ([jobs]) => jobs?.length === batchSize,
    handle: round,
    // A batch claimed as the worker stops is not pushed: handed back at once.
    release: (jobs) => handBack(jobs.map((j) => j.id)),
    onError: (_jobs, error) => log.error({ err: error }, 'push round failed; retrying at the next poll'),
  });

  /** The pushes of one claimed batch; its jobs end DONE, FAILED, due again, or (stopping) handed back. */
  async function round(jobs: ClaimedJob[], ctx: JobContext): Promise<void> {
    // Pushes are cut off well before the lease ends, so no other claimer can take a job still in flight.
    const deadline = AbortSignal.timeout(Math.max(1, Math.floor(leaseMs * 0.8)));
    const signal = AbortSignal.any([ctx.signal, deadline]);

    const [accounts, listings] = await Promise.all([
      prisma.marketplaceAccount.findMany({ where: { id: { in: [...new Set(jobs.map((j) => j.accountId))] } } }),
      prisma.listing.findMany({
        where: { id: { in: [...new Set(jobs.map((j) => j.listingId))] } },
        select: { id: true, externalId: true, status: true },
      }),
    ]);
    const accountById = new Map(accounts.map((a) => [a.id, a]));
    const listingById = new Map(listings.map((l) => [l.id, l]));

    const groups = new Map<string, ClaimedJob[]>();
    for (const job of jobs) {
      const key = `${job.accountId}:${job.kind}`;
      groups.set(key, [...(groups.get(key) ?? []), job]);
    }

    const outcomes = (
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const account = accountById.get(group[0]!.accountId);
          const refused: Outcome[] = [];
          const ready: { job: ClaimedJob; externalId: string }[] = [];
          for (const job of group) {
            const listing = listingById.get(job.listingId);
            const reason = !account
              ? 'the marketplace account no longer exists'
              : !account.enabled
                ? `account "${account.name}" is disabled`
                : !listing
                  ? 'the listing no longer exists'
                  : listing.status === 'DELISTED'
                    ? 'the listing is delisted'
                    : job.attempts > maxAttempts
                      ? `gave up after ${maxAttempts} attempts`
                      : null;
            if (reason) refused.push({ job, ok: false, error: reason, permanent: true });
            else ready.push({ job, externalId: listing!.externalId });
          }
          if (!ready.length) return refused;
          const results = await push(account!, group[0]!.kind, ready, signal, ctx.signal);
          return [...refused, ...ready.map(({ job }, i): Outcome => outcomeOf(job, results[i]))];
        }),
      )
    ).flat();

    if (ctx.signal.aborted) {
      // Cancelled by shutdown: hand the jobs back now rather than after the lease. Pushes are
      // absolute values, so sending one again is harmless.
      await handBack(outcomes.filter((o) => !o.ok && !o.permanent).map((o) => o.job.id));
    }
    await Promise.all(outcomes.filter((o) => o.ok).map((o) => confirm(o.job)));
    await recordFailures(outcomes.filter((o): o is Failure => !o.ok && (o.permanent || !ctx.signal.aborted)));
  }

  /** Due again now without spending the attempt (the worker stops). */
  async function handBack(ids: string[]) {
    await prisma.pushJob.updateMany({ where: { id: { in: ids }, status: 'PENDING' }, data: { attempts: { decrement: 1 }, nextAttemptAt: new Date() } });
  }

  async function push(account: MarketplaceAccount, kind: PushKind, items: { job: ClaimedJob; externalId: string }[], signal: AbortSignal, stopping: AbortSignal): Promise<PushResult[]> {
    try {
      const connector = connectorFor(services, account, { retries: 2, ...options.connector });
      return kind === 'PRICE'
        ? await connector.pushPrice(items.map(({ job, externalId }) => ({ externalId, price: job.value })), { signal })
        : await connector.pushStock(items.map(({ job, externalId }) => ({ externalId, stock: Number(job.value) })), { signal });
    } catch (error) {
      // Connectors report remote failures per item; a throw is an abort, a timeout or a local fault.
      const message = signal.aborted && !stopping.aborted ? `push did not finish within ${Math.floor(leaseMs * 0.8)} ms` : error instanceof Error ? error.message : String(error);
      return items.map(() => ({ ok: false, error: message, errorKind: 'NETWORK' }));
    }
  }

  function outcomeOf(job: ClaimedJob, result: PushResult | undefined): Outcome {
    if (result?.ok) return { job, ok: true };
    const error = shortError(result?.error ?? 'no result for this item');
    // A VALIDATION refusal will be refused again: retrying cannot help.
    return { job, ok: false, error, permanent: result?.errorKind === 'VALIDATION' };
  }

  /**
   * The marketplace now holds the pushed value. The edit marker clears only if the listing still
   * holds that value; if the user changed it meanwhile and no push of the newer value is queued
   * (e.g. an edit back to the old remote value while this push was in flight), one is queued.
   */
  async function confirm(job: ClaimedJob) {
    const now = new Date();
    let requeued = false;
    await transact(services, 'system', async (tx, emit) => {
      const listing = await lockListing(tx, job.listingId);
      const settled = await tx.pushJob.updateMany({ where: { id: job.id, status: 'PENDING' }, data: { status: 'DONE', finishedAt: now, lastError: null } });
      if (settled.count) pushUpdated(emit, job, 'PUSHED');
      if (!listing) return;
      const isPrice = job.kind === 'PRICE';
      const current = isPrice ? money(listing.price) : String(listing.stock);
      const same = current === job.value;
      const editedAt = isPrice ? listing.priceEditedAt : listing.stockEditedAt;
      let nextEditedAt: Date | null = same ? null : editedAt;
      if (!same && listing.status !== 'DELISTED') {
        const queued = await tx.pushJob.count({ where: { listingId: listing.id, kind: job.kind, status: 'PENDING' } });
        if (queued === 0) {
          await tx.pushJob.create({ data: { listingId: listing.id, accountId: listing.accountId, kind: job.kind, value: current } });
          nextEditedAt = editedAt ?? now;
          requeued = true;
        }
      }
      await tx.listing.update({
        where: { id: listing.id },
        data: isPrice
          ? { remotePrice: job.value, priceEditedAt: nextEditedAt, updatedAt: now }
          : { remoteStock: Number(job.value), stockEditedAt: nextEditedAt, updatedAt: now },
      });
    });
    if (requeued) worker.wake();
  }

  async function recordFailures(failures: Failure[]) {
    if (!failures.length) return;
    const now = Date.now();
    const logs: Prisma.SyncLogCreateManyInput[] = [];
    for (const { job, error, permanent } of failures) {
      const giveUp = permanent || job.attempts >= maxAttempts;
      const what = `${job.kind === 'PRICE' ? 'Price' : 'Stock'} push of ${job.value} to listing ${job.listingId}`;
      if (giveUp) {
        await settle(job, 'FAILED', error, { status: 'FAILED', finishedAt: new Date(now), lastError: error });
        logs.push({
          accountId: job.accountId,
          level: 'ERROR',
          message: `${what} failed for good after ${job.attempts} attempt(s): ${error}`,
          context: { listingId: job.listingId, kind: job.kind, value: job.value, attempts: job.attempts, jobId: job.id },
        });
      } else {
        const delayMs = backoffDelay(job.attempts, baseDelayMs, maxDelayMs);
        await settle(job, 'RETRYING', error, { nextAttemptAt: new Date(now + delayMs), lastError: error });
        logs.push({
          accountId: job.accountId,
          level: 'WARN',
          message: `${what} failed (attempt ${job.attempts} of ${maxAttempts}), retrying in ${Math.round(delayMs / 1000)} s: ${error}`,
          context: { listingId: job.listingId, kind: job.kind, value: job.value, attempts: job.attempts, jobId: job.id, retryInMs: delayMs },
        });
      }
    }
    // An account deleted meanwhile would break the foreign key: log those without it.
    const known = new Set((await prisma.marketplaceAccount.findMany({ where: { id: { in: logs.map((l) => l.accountId!) } }, select: { id: true } })).map((a) => a.id));
    await prisma.syncLog.createMany({ data: logs.map((l) => (known.has(l.accountId!) ? l : { ...l, accountId: null })) });
    log.warn({ failed: failures.length }, 'marketplace pushes failed');
  }

  /** Records a failed attempt on a job still pending, and tells the subscribers (the dashboard shows the push's state). */
  async function settle(job: ClaimedJob, state: PushState, error: string, data: Prisma.PushJobUpdateManyMutationInput) {
    await transact(services, 'system', async (tx, emit) => {
      const { count } = await tx.pushJob.updateMany({ where: { id: job.id, status: 'PENDING' }, data });
      if (count) pushUpdated(emit, job, state, error);
    });
  }

  return { wake: worker.wake, stop: worker.stop };
}

/** `listing.push_updated`: where a user's edit stands on its way to the marketplace. */
function pushUpdated(emit: Emit, job: ClaimedJob, state: PushState, error?: string) {
  emit('listing.push_updated', { listingId: job.listingId, accountId: job.accountId, pushId: job.id, kind: job.kind, value: job.value, state, attempts: job.attempts, ...(error ? { error } : {}) });
}
