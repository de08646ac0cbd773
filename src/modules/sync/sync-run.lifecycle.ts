/**
 * The life of a sync run, in one place. Queued PENDING (one active run per account), claimed
 * RUNNING by one worker (its owner), kept alive by the owner's heartbeat, moved on page by page,
 * and ended: finished (SUCCESS, PARTIAL, FAILED), CANCELLED, or INTERRUPTED (a shutdown, a failed
 * executor handing it back, or a reap of a run whose worker went silent), from which any worker
 * claims it again and resumes from its last committed page. Every write of a running run holds
 * only while its owner still owns it, so an instance that lost a run can no longer move it.
 */
import type { z } from 'zod';
import type { MarketplaceAccount, SyncRun } from '../../generated/prisma/client.js';
import type { EditCounts } from './conflict-policy.js';
import type { Actor, AppServices } from '../../core/services.js';
import { isUniqueViolation } from '../../db/errors.js';
import { transact, type Emit, type Tx } from '../../db/transaction.js';
import type { triggerSyncInput } from './sync.inputs.js';
import { insertSyncLogs, mirrorSyncLogs, writeSyncLogs, type LogEntry } from './sync-log.js';
import { phasesOf, progressEvent } from './sync-progress.js';
import { isDatabaseOutage } from './database-outage.js';
import { recordSyncRunFinished } from '../metrics/sync.metrics.js';
import { settingsOf } from '../monitoring/monitoring.settings.js';

export type Phase = 'PRODUCTS' | 'ORDERS';

/** Why an executor is asked to stop early ('timeout': the attempt outlived its account's syncTimeoutSeconds). */
export type StopReason = 'cancel' | 'shutdown' | 'lost' | 'timeout';

export class RunStopped extends Error {
  constructor(readonly reason: StopReason) {
    super(`run stopped: ${reason}`);
  }
}

/** This process's hold on a claimed run: who owns it, since when, and what earlier attempts had spent. */
export interface RunLease {
  /** The instance that claimed the run: its writes land only while it still owns it. */
  ownerId: string;
  startedAt: number;
  activeMsBefore: number;
  /** Labels of this run's metrics. */
  accountId: string;
  channel: string;
}

export const leaseOf = (run: SyncRun, ownerId: string, channel = 'unknown'): RunLease => ({ ownerId, startedAt: Date.now(), activeMsBefore: run.activeMs, accountId: run.accountId, channel });

const activeMs = (lease: RunLease) => lease.activeMsBefore + (Date.now() - lease.startedAt);

/** A run resumed after this many crashes of its executor (failures other than an outage) is failed instead: no crash loop. */
const MAX_CRASH_RESUMES = 3;

function publishRun(services: AppServices, run: SyncRun): void {
  services.events.publishSyncRun({ runId: run.id, accountId: run.accountId, status: run.status });
}

/** $queryRaw returns numeric columns as they come; the run's are all integers and a float. */
const normalizeRun = (row: SyncRun): SyncRun => ({ ...row, percent: Number(row.percent) });

/** PENDING: the account's new run, or its active one when it has one (the unique `activeKey` holds across instances and concurrent callers). */
export async function queueRun(services: AppServices, actor: Actor, account: MarketplaceAccount, input: z.output<typeof triggerSyncInput>): Promise<SyncRun> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const active = await services.prisma.syncRun.findUnique({ where: { activeKey: account.id } });
    if (active) return active;
    try {
      const run = await services.prisma.syncRun.create({
        data: {
          accountId: account.id,
          activeKey: account.id,
          scope: input.scope,
          mode: input.mode,
          skus: input.skus ?? [],
          maxPages: input.maxPages ?? null,
          conflictStrategy: input.conflictStrategy ?? account.conflictStrategy,
          triggeredBy: actor.name,
        },
      });
      await writeSyncLogs(services.prisma, services.logger, run, [{ level: 'INFO', message: `${run.mode} ${run.scope} sync queued by ${actor.name}` }]);
      publishRun(services, run);
      return run;
    } catch (error) {
      // Someone else queued a run for this account between our check and insert: join theirs.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw new Error(`could not queue or find the active sync of account ${account.id}`);
}

/** RUNNING: the oldest waiting run (PENDING or INTERRUPTED), now owned by `ownerId`; SKIP LOCKED, so any number of workers share them. */
export async function claimRun(services: AppServices, ownerId: string): Promise<SyncRun | null> {
  const rows = await services.prisma.$queryRawUnsafe<SyncRun[]>(
    `WITH picked AS (
       SELECT id FROM "SyncRun" WHERE status IN ('PENDING', 'INTERRUPTED') ORDER BY "createdAt" LIMIT 1 FOR UPDATE SKIP LOCKED
     )
     UPDATE "SyncRun" r SET status = 'RUNNING', "ownerId" = $1, "heartbeatAt" = now(), "startedAt" = COALESCE(r."startedAt", now()),
            "resumedCount" = r."resumedCount" + CASE WHEN r.status = 'INTERRUPTED' THEN 1 ELSE 0 END
       FROM picked WHERE r.id = picked.id
     RETURNING r.*`,
    ownerId,
  );
  return rows[0] ? normalizeRun(rows[0]) : null;
}

/** Keeps a claimed run alive; says why its executor should stop: a cancellation was asked for, or the run is no longer its owner's. */
export async function beatRun(services: AppServices, runId: string, ownerId: string): Promise<StopReason | null> {
  const rows = await services.prisma.$queryRawUnsafe<{ cancelRequestedAt: Date | null }[]>(
    `UPDATE "SyncRun" SET "heartbeatAt" = now() WHERE id = $1::uuid AND "ownerId" = $2 AND status = 'RUNNING' RETURNING "cancelRequestedAt"`,
    runId,
    ownerId,
  );
  if (rows.length === 0) return 'lost';
  return rows[0]!.cancelRequestedAt ? 'cancel' : null;
}

/**
 * INTERRUPTED: RUNNING runs whose worker went silent (no heartbeat since `staleBefore`; every one
 * when 'all'), so another worker resumes them. The runs `ownerId` is executing are spared; its
 * runs that it no longer executes (their release never landed) are orphans like any other.
 */
export async function reapStaleRuns(services: AppServices, logger: AppServices['logger'], ownerId: string, executing: readonly string[], staleBefore: Date | 'all'): Promise<void> {
  const orphans = await services.prisma.$queryRawUnsafe<SyncRun[]>(
    `UPDATE "SyncRun" SET status = 'INTERRUPTED', "ownerId" = NULL, "heartbeatAt" = NULL
      WHERE status = 'RUNNING' AND ("heartbeatAt" IS NULL OR "heartbeatAt" < $1::timestamptz)
        AND ("ownerId" IS NULL OR "ownerId" <> $2 OR NOT (id = ANY($3::uuid[])))
      RETURNING *`,
    staleBefore === 'all' ? 'infinity' : staleBefore.toISOString(),
    ownerId,
    [...executing],
  );
  for (const run of orphans) {
    await writeSyncLogs(services.prisma, logger, run, [{ level: 'WARN', message: `the worker running this sync stopped answering after ${run.pagesDone} page(s); marked INTERRUPTED to resume` }]);
    publishRun(services, run);
  }
}

/** A claimed run begins: sync.started (with its webhook deliveries) the first time, a log line when it resumes. */
export async function startRun(services: AppServices, run: SyncRun): Promise<void> {
  if (run.pagesDone > 0 || run.resumedCount > 0) {
    await writeSyncLogs(services.prisma, services.logger, run, [{ level: 'INFO', message: `resumed after an interruption at page ${run.pagesDone} (phase ${run.phase ?? 'PRODUCTS'})` }]);
  } else {
    const lines: LogEntry[] = [{ level: 'INFO', message: `${run.mode} ${run.scope} sync started (conflict strategy ${run.conflictStrategy})`, context: { triggeredBy: run.triggeredBy } }];
    await transact(services, run.triggeredBy, async (tx, emit) => {
      emit('sync.started', { runId: run.id, accountId: run.accountId, scope: run.scope, mode: run.mode });
      await insertSyncLogs(tx, run, lines);
    }, () => mirrorSyncLogs(services.logger, run, lines));
  }
  publishRun(services, run);
}

/** How one committed page moves its run on. */
interface PageAdvance {
  phase: Phase;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  /** Unconfirmed edits the page met; SyncRun.conflicts adds up all three. */
  edits: EditCounts;
  items: number;
  /** Where the phase resumes after this page. */
  cursor: string | null;
  pagesTotal: number;
  itemsTotal: number | null;
  percent: number;
  /** Newest remote change on the page: the phase's watermark moves up to it. */
  newestRemoteChange: Date | null;
}

/**
 * Commits one page: `write` stores its rows with the transaction, then the run advances (counters,
 * cursor, heartbeat) in the same transaction, so a crash leaves the run exactly at its last
 * committed page. A run no longer the lease's (reaped and taken over) rolls the page back.
 * The log lines `write` returns (stored with insertSyncLogs) go to the process log once committed.
 * `onCommit` (the page's metrics) runs once committed, before the page's events are published.
 */
export async function commitPage<T>(
  services: AppServices,
  lease: RunLease,
  run: SyncRun,
  write: (tx: Tx, emit: Emit) => Promise<{ advance: PageAdvance; written: T; lines?: LogEntry[] }>,
  onCommit?: (written: T) => void,
): Promise<{ run: SyncRun; written: T }> {
  const committed = await transact(services, 'sync', async (tx, emit) => {
    const { advance, written, lines = [] } = await write(tx, emit);
    const watermarkField = advance.phase === 'PRODUCTS' ? 'watermark' : 'ordersWatermark';
    const rows = await tx.$queryRawUnsafe<SyncRun[]>(
      `UPDATE "SyncRun" SET
          created = created + $3, updated = updated + $4, unchanged = unchanged + $5, failed = failed + $6, conflicts = conflicts + $7,
          "editsOverridden" = "editsOverridden" + $15, "editsKept" = "editsKept" + $16, "editsQueued" = "editsQueued" + $17,
          "pagesDone" = "pagesDone" + 1, "itemsDone" = "itemsDone" + $8, cursor = $9,
          "pagesTotal" = $10, "itemsTotal" = $11, percent = $12, "heartbeatAt" = now(),
          "${watermarkField}" = GREATEST("${watermarkField}", $13::timestamptz), "activeMs" = $14
        WHERE id = $1::uuid AND "ownerId" = $2 AND status = 'RUNNING'
        RETURNING *`,
      run.id,
      lease.ownerId,
      advance.created,
      advance.updated,
      advance.unchanged,
      advance.failed,
      advance.edits.overridden + advance.edits.kept + advance.edits.queued,
      advance.items,
      advance.cursor,
      advance.pagesTotal,
      advance.itemsTotal,
      advance.percent,
      advance.newestRemoteChange?.toISOString() ?? null,
      activeMs(lease),
      advance.edits.overridden,
      advance.edits.kept,
      advance.edits.queued,
    );
    if (rows.length === 0) throw new RunStopped('lost');
    return { run: normalizeRun(rows[0]!), written, lines };
  }, (committed) => {
    mirrorSyncLogs(services.logger, run, committed.lines);
    onCommit?.(committed.written);
  });
  services.events.publishSyncProgress(progressEvent(committed.run));
  return committed;
}

/** A page position that kept failing was given up (the run ends PARTIAL). */
export function countFailedPage(services: AppServices, run: SyncRun): Promise<SyncRun> {
  return services.prisma.syncRun.update({ where: { id: run.id }, data: { pageFailures: { increment: 1 } } });
}

type FinalStatus = 'SUCCESS' | 'PARTIAL' | 'FAILED' | 'CANCELLED';

const TERMINAL_EVENT = { SUCCESS: 'sync.completed', PARTIAL: 'sync.completed', FAILED: 'sync.failed' } as const;

/**
 * Ends the run: a complete FULL products phase delists what it did not see, the watermarks of
 * incomplete phases are dropped (the next INCREMENTAL must not skip what this run missed), the
 * account's active slot is released, and the outcome is logged and published.
 */
export async function finishRun(services: AppServices, lease: RunLease, run: SyncRun, status: FinalStatus, error: string | null, complete: ReadonlySet<Phase>): Promise<SyncRun> {
  const productsComplete = complete.has('PRODUCTS') && status !== 'CANCELLED';
  const ordersComplete = complete.has('ORDERS') && status !== 'CANCELLED';
  // Every phase read to its end: the totals are what it read (also for a phase that had no page).
  const runComplete = status !== 'CANCELLED' && phasesOf(run.scope).every((phase) => complete.has(phase));
  // A FULL listing without remote timestamps still proves everything up to its start was seen.
  const productsMark = productsComplete ? (run.watermark ?? (run.mode === 'FULL' ? run.startedAt : null)) : null;
  // The delisting, the final state and its webhook deliveries commit together (outbox): a run
  // whose finish is cut by an outage resumes with its seen set intact, never delisting everything.
  const ended = await transact(services, run.triggeredBy, async (tx, emit) => {
    // Only while this instance still owns it: a run reaped, or cancelled as stuck, stays as it was left.
    const owned = await tx.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM "SyncRun" WHERE id = $1::uuid AND "ownerId" = $2 AND status = 'RUNNING' FOR UPDATE`, run.id, lease.ownerId);
    if (owned.length === 0) return null;
    let delisted = 0;
    if (run.mode === 'FULL' && productsComplete) {
      delisted = await tx.$executeRawUnsafe(
        `UPDATE "Listing" l SET status = 'DELISTED', "updatedAt" = now()
          WHERE l."accountId" = $1::uuid AND l.status <> 'DELISTED'
            AND NOT EXISTS (SELECT 1 FROM "SyncRunSeen" s WHERE s."runId" = $2::uuid AND s."externalId" = l."externalId")`,
        run.accountId,
        run.id,
      );
    }
    await tx.syncRunSeen.deleteMany({ where: { runId: run.id } });
    const [final] = await tx.syncRun.updateManyAndReturn({
      where: { id: run.id, ownerId: lease.ownerId, status: 'RUNNING' },
      data: {
        status,
        error,
        delisted,
        activeKey: null,
        cursor: null,
        heartbeatAt: null,
        finishedAt: new Date(),
        activeMs: activeMs(lease),
        percent: status === 'SUCCESS' || status === 'PARTIAL' ? 100 : run.percent,
        ...(runComplete ? { pagesTotal: run.pagesDone, itemsTotal: run.itemsDone } : {}),
        watermark: run.mode === 'SELECTIVE' ? null : productsMark,
        ordersWatermark: ordersComplete ? (run.ordersWatermark ?? run.startedAt) : null,
      },
    });
    if (!final) return null;
    // The line saying how the run ended commits with its status: whoever sees the one finds the other.
    const summary = `${final.created} created, ${final.updated} updated, ${final.unchanged} unchanged, ${final.failed} failed, ${delisted} delisted, ${final.conflicts} edit(s) met a remote change (${final.editsOverridden} overridden, ${final.editsKept} kept, ${final.editsQueued} queued)`;
    const lines: LogEntry[] = [
      { level: status === 'SUCCESS' ? 'INFO' : status === 'FAILED' ? 'ERROR' : 'WARN', message: `sync ${status}${error ? ` (${error})` : ''}: ${summary}`, context: { durationMs: final.activeMs } },
    ];
    await insertSyncLogs(tx, final, lines);
    if (status !== 'CANCELLED') emit(TERMINAL_EVENT[status], { runId: final.id, accountId: final.accountId, status, created: final.created, updated: final.updated, unchanged: final.unchanged, failed: final.failed, delisted, error });
    return { final, delisted, lines };
  }, (ended) => {
    // Once committed (this work may have run more than once): the metric and the process log's
    // line first, then the terminal event is published and webhooks woken.
    if (!ended) return;
    recordSyncRunFinished(services.metrics, lease, status);
    mirrorSyncLogs(services.logger, ended.final, ended.lines);
  });
  if (!ended) return (await services.prisma.syncRun.findUnique({ where: { id: run.id } })) ?? run;
  const { final } = ended;
  services.events.publishSyncProgress(progressEvent(final));
  publishRun(services, final);
  return final;
}

/** INTERRUPTED by shutdown mid-run: the slot and the cursor stay, so the next worker resumes from the last committed page. */
export async function interruptRun(services: AppServices, lease: RunLease, run: SyncRun): Promise<SyncRun> {
  const [stopped] = await services.prisma.syncRun.updateManyAndReturn({
    where: { id: run.id, ownerId: lease.ownerId, status: 'RUNNING' },
    data: { status: 'INTERRUPTED', ownerId: null, heartbeatAt: null, activeMs: activeMs(lease) },
  });
  if (!stopped) return run;
  await writeSyncLogs(services.prisma, services.logger, stopped, [{ level: 'WARN', message: `interrupted by shutdown after ${stopped.pagesDone} page(s); it resumes from there` }]);
  publishRun(services, stopped);
  return stopped;
}

/**
 * INTERRUPTED for another attempt (it timed out, and the account's syncRetries allow one): the
 * slot and the cursor stay, so a worker (this one, at once) resumes it from its last committed page.
 */
export async function retryRun(services: AppServices, lease: RunLease, run: SyncRun, reason: string, allowed: number): Promise<SyncRun> {
  const [again] = await services.prisma.syncRun.updateManyAndReturn({
    where: { id: run.id, ownerId: lease.ownerId, status: 'RUNNING' },
    data: { status: 'INTERRUPTED', ownerId: null, heartbeatAt: null, activeMs: activeMs(lease), retries: { increment: 1 } },
  });
  if (!again) return run;
  await writeSyncLogs(services.prisma, services.logger, again, [
    { level: 'WARN', message: `${reason} (attempt ${again.retries} of ${allowed + 1}) at page ${again.pagesDone}; marked INTERRUPTED to retry from there`, context: { retries: again.retries } },
  ]);
  publishRun(services, again);
  return again;
}

/**
 * Hands back a run whose executor failed (typically: the database went away under it and the
 * run's own state could not be written): INTERRUPTED at once, so any worker resumes it from its
 * last committed page. A failure that is not an outage is a crash and is counted (crashCount,
 * apart from resumedCount, which shutdowns, outages and reaps raise too); past MAX_CRASH_RESUMES
 * the run ends FAILED through the same path as any failed run. One attempt: the caller retries
 * it until it lands (`tries` counts them, for the log).
 */
export async function releaseRun(services: AppServices, logger: AppServices['logger'], ownerId: string, run: SyncRun, error: unknown, tries: number): Promise<void> {
  const outage = isDatabaseOutage(error);
  const crashes = run.crashCount + (outage ? 0 : 1);
  const reason = error instanceof Error ? error.message : String(error);
  if (crashes > MAX_CRASH_RESUMES) {
    await services.prisma.syncRun.updateMany({ where: { id: run.id, ownerId, status: 'RUNNING' }, data: { crashCount: crashes } });
    const account = await services.prisma.marketplaceAccount.findUnique({ where: { id: run.accountId }, select: { channel: true } });
    const failed = await finishRun(services, leaseOf(run, ownerId, account?.channel), run, 'FAILED', `the sync crashed ${crashes} times: ${reason}`.slice(0, 1000), new Set());
    logger.info({ runId: run.id, status: failed.status, attempts: tries }, 'sync run failed after repeated crashes');
    return;
  }
  const rows = await services.prisma.$queryRawUnsafe<SyncRun[]>(
    `UPDATE "SyncRun" SET status = 'INTERRUPTED', "ownerId" = NULL, "heartbeatAt" = NULL, "crashCount" = $3
      WHERE id = $1::uuid AND "ownerId" = $2 AND status = 'RUNNING' RETURNING *`,
    run.id,
    ownerId,
    crashes,
  );
  const released = rows[0];
  if (!released) return;
  logger.info({ runId: run.id, status: released.status, attempts: tries }, 'sync run released after its executor failed');
  const message = `stopped after ${released.pagesDone} page(s): ${outage ? 'the database became unavailable' : `${reason} (crash ${crashes} of at most ${MAX_CRASH_RESUMES} resumed)`}; marked INTERRUPTED to resume`;
  await writeSyncLogs(services.prisma, logger, released, [{ level: 'WARN', message }]).catch(() => {});
  publishRun(services, released);
}

/**
 * A run that has not started (or waits to resume) is CANCELLED at once; a running one is asked to
 * stop at its next page boundary, in whichever instance runs it (it reads the request with its
 * heartbeat). A stuck one (RUNNING, heartbeat older than the stale interval: no worker is moving
 * it) is cancelled at once too; should its worker come back, its writes find the run no longer
 * its own. Null when the run has already finished or does not exist.
 */
export async function cancelRun(services: AppServices, actor: Actor, id: string): Promise<SyncRun | null> {
  const stuckBefore = new Date(Date.now() - settingsOf(services).runStaleAfterMs);
  const lines: LogEntry[] = [{ level: 'WARN', message: `cancelled by ${actor.name} while no worker was running it` }];
  const waiting = await transact(services, actor.name, async (tx) => {
    const [cancelled] = await tx.syncRun.updateManyAndReturn({
      where: { id, OR: [{ status: { in: ['PENDING', 'INTERRUPTED'] } }, { status: 'RUNNING', OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: stuckBefore } }] }] },
      data: { status: 'CANCELLED', activeKey: null, ownerId: null, heartbeatAt: null, finishedAt: new Date(), cancelRequestedAt: new Date(), error: `cancelled by ${actor.name}` },
    });
    // Its final line commits with its status, as a run a worker ends (finishRun); printed once committed.
    if (cancelled) await insertSyncLogs(tx, cancelled, lines);
    return cancelled;
  });
  if (waiting) {
    mirrorSyncLogs(services.logger, waiting, lines);
    // No worker will finish it: it is counted here, by the instance that took the cancellation.
    const account = await services.prisma.marketplaceAccount.findUnique({ where: { id: waiting.accountId }, select: { channel: true } });
    recordSyncRunFinished(services.metrics, { accountId: waiting.accountId, channel: account?.channel ?? 'unknown' }, 'CANCELLED');
    publishRun(services, waiting);
    return waiting;
  }
  const [running] = await services.prisma.syncRun.updateManyAndReturn({ where: { id, status: 'RUNNING' }, data: { cancelRequestedAt: new Date() } });
  if (!running) return null;
  await writeSyncLogs(services.prisma, services.logger, running, [{ level: 'WARN', message: `cancellation requested by ${actor.name}` }]);
  services.syncRunner?.cancel(id);
  return running;
}
