import type { Channel, LogLevel, Prisma, SyncStatus } from '../../generated/prisma/client.js';
import type { Tx } from '../../db/transaction.js';
import type { AppServices } from '../../core/services.js';
import { isUuid } from '../../core/ids.js';
import { NO_MATCH_ID } from './sync-run.filters.js';
import { timeRange } from '../../shared/date-range.js';

export interface LogEntry {
  level: LogLevel;
  message: string;
  context?: Record<string, unknown>;
}

/** Per-record failures of one page are logged one by one up to this many; the rest as one summary. */
export const MAX_RECORD_LOGS_PER_PAGE = 50;

/**
 * Writes SyncLog rows for a run and mirrors them to the process log, outside any transaction: it
 * takes no transaction, so a line cannot be printed before (or without) its commit; inside
 * transact() use insertSyncLogs (below) and mirrorSyncLogs once committed.
 */
export async function writeSyncLogs(db: AppServices['prisma'], logger: AppServices['logger'], run: { id: string; accountId: string }, entries: LogEntry[]): Promise<void> {
  await insertSyncLogs(db, run, entries);
  mirrorSyncLogs(logger, run, entries);
}

/**
 * Writes SyncLog rows for a run, and only them: within transact(), whose work may be run again (a
 * deadlock, a serialization failure) or rolled back, the lines go to the process log
 * (mirrorSyncLogs) once the transaction has committed, so they are printed once and only if stored.
 */
export async function insertSyncLogs(db: Tx | AppServices['prisma'], run: { id: string; accountId: string }, entries: LogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.syncLog.createMany({
    data: entries.map((e) => ({ runId: run.id, accountId: run.accountId, level: e.level, message: e.message, context: (e.context ?? undefined) as Prisma.InputJsonValue | undefined })),
  });
}

/** Prints a run's log lines to the process log. */
export function mirrorSyncLogs(logger: AppServices['logger'], run: { id: string; accountId: string }, entries: LogEntry[]): void {
  for (const e of entries) {
    const level = e.level === 'ERROR' ? 'error' : e.level === 'WARN' ? 'warn' : e.level === 'DEBUG' ? 'debug' : 'info';
    logger[level]({ runId: run.id, accountId: run.accountId, ...e.context }, e.message);
  }
}

/** Log levels, least severe first: a level filter means that level and the more severe ones. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const satisfies readonly LogLevel[];

/** The `syncLogs` filter. */
export interface SyncLogFilter {
  accountId?: string | number | null;
  channel?: Channel | null;
  runId?: string | number | null;
  runStatus?: SyncStatus[] | null;
  level?: LogLevel | null;
  search?: string | null;
  /** Written at or after (inclusive). */
  since?: Date | null;
  /** Written before (exclusive). */
  until?: Date | null;
}

/** What a log filter must hold beyond its GraphQL types (other keys pass through). */
export const syncLogFilterRules = timeRange('since', 'until');

/**
 * The rows a log filter selects. SyncLog is the biggest table: every condition is served by one of
 * its indexes, (accountId, createdAt), (runId, createdAt), (level, createdAt) or (createdAt);
 * channel and run status are matched through the small account and run tables.
 */
export function syncLogWhere(filter: SyncLogFilter | null | undefined): Prisma.SyncLogWhereInput {
  const where: Prisma.SyncLogWhereInput = {};
  const id = (v: string | number) => (isUuid(String(v)) ? String(v) : NO_MATCH_ID);
  if (filter?.accountId != null) where.accountId = id(filter.accountId);
  if (filter?.runId != null) where.runId = id(filter.runId);
  if (filter?.runStatus?.length) {
    // A run's lines carry its account: with a run status, the channel is asked of the run too, so
    // PostgreSQL starts from the few matching runs (SyncRun by status) and reads their lines by
    // runId, instead of scanning every line of the channel (400 ms against 5 ms at 1.7M lines).
    where.run = { status: { in: filter.runStatus }, ...(filter.channel ? { account: { channel: filter.channel } } : {}) };
  } else if (filter?.channel) where.account = { channel: filter.channel };
  if (filter?.level) where.level = { in: LOG_LEVELS.slice(LOG_LEVELS.indexOf(filter.level)) };
  if (filter?.search) where.message = { contains: filter.search, mode: 'insensitive' };
  if (filter?.since || filter?.until) where.createdAt = { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) };
  return where;
}
