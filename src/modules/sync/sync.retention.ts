/**
 * Retention of what syncs leave behind, run by the scheduler's LOG_RETENTION and TASK_RETENTION
 * firings (src/registry.ts). Deletes go in batches of short statements, each its own transaction,
 * so a table with millions of old rows is never held by one long delete.
 */
import type { AppServices } from '../../core/services.js';

/** Rows one retention delete statement removes at most, by default (a long delete would hold the table). */
export const DEFAULT_RETENTION_BATCH = 5000;

export interface LogRetentionResult {
  cutoff: Date;
  syncLogs: number;
  pushJobs: number;
}

/** Deletes rows picked by `pick` (a SELECT of ids, `$1` = cutoff, `$2` = batch size) until none are left. */
export async function deleteInBatches(services: AppServices, table: string, pick: string, cutoff: Date, batchSize: number): Promise<number> {
  let total = 0;
  for (;;) {
    const removed = await services.prisma.$executeRawUnsafe(`DELETE FROM "${table}" WHERE id IN (${pick})`, cutoff.toISOString(), batchSize);
    total += removed;
    if (removed < batchSize) return total;
  }
}

/**
 * LOG_RETENTION: SyncLog rows older than `days`, and finished marketplace pushes (DONE,
 * SUPERSEDED, FAILED) that finished before the same cutoff. What was removed is reported in a
 * SyncLog INFO row of its own (no run, no account).
 */
export async function retainLogs(services: AppServices, now: Date, days: number, batchSize = DEFAULT_RETENTION_BATCH): Promise<LogRetentionResult> {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const syncLogs = await deleteInBatches(services, 'SyncLog', `SELECT id FROM "SyncLog" WHERE "createdAt" < $1::timestamptz ORDER BY "createdAt" LIMIT $2`, cutoff, batchSize);
  const pushJobs = await deleteInBatches(
    services,
    'PushJob',
    `SELECT id FROM "PushJob" WHERE status IN ('DONE', 'SUPERSEDED', 'FAILED') AND COALESCE("finishedAt", "createdAt") < $1::timestamptz LIMIT $2`,
    cutoff,
    batchSize,
  );
  const message = `log retention: removed ${syncLogs} sync log row(s) and ${pushJobs} finished push job(s) older than ${days} day(s)`;
  await services.prisma.syncLog.create({ data: { level: 'INFO', message, context: { cutoff: cutoff.toISOString(), syncLogs, pushJobs } } });
  services.logger.info({ cutoff, syncLogs, pushJobs }, message);
  return { cutoff, syncLogs, pushJobs };
}

/**
 * The "seen" bookkeeping of FULL runs that ended without cleaning it up (a run finishes by
 * deleting its own rows; a crash or a cancellation can leave them). Sync run history itself is
 * kept. Returns how many rows were removed.
 */
export async function retainRunSeen(services: AppServices, batchSize = DEFAULT_RETENTION_BATCH): Promise<number> {
  let seenRows = 0;
  for (;;) {
    // SyncRunSeen has a composite key: pick a batch of (runId, externalId) pairs.
    const removed = await services.prisma.$executeRawUnsafe(
      `DELETE FROM "SyncRunSeen" s USING (
         SELECT x."runId", x."externalId" FROM "SyncRunSeen" x JOIN "SyncRun" r ON r.id = x."runId"
          WHERE r.status NOT IN ('PENDING', 'RUNNING', 'INTERRUPTED') LIMIT $1
       ) d WHERE s."runId" = d."runId" AND s."externalId" = d."externalId"`,
      batchSize,
    );
    seenRows += removed;
    if (removed < batchSize) break;
  }
  if (seenRows > 0) services.logger.info({ seenRows }, 'task retention: removed leftover bookkeeping of finished sync runs');
  return seenRows;
}
