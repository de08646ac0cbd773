import type { LogLevel, Prisma } from '../../generated/prisma/client.js';
import type { Tx } from '../../db/transaction.js';
import type { AppServices } from '../../core/services.js';

export interface LogEntry {
  level: LogLevel;
  message: string;
  context?: Record<string, unknown>;
}

/** Per-record failures of one page are logged one by one up to this many; the rest as one summary. */
export const MAX_RECORD_LOGS_PER_PAGE = 50;

/** Writes SyncLog rows for a run (inside the page's transaction when given one) and mirrors them to the process log. */
export async function writeSyncLogs(db: Tx | AppServices['prisma'], logger: AppServices['logger'], run: { id: string; accountId: string }, entries: LogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.syncLog.createMany({
    data: entries.map((e) => ({ runId: run.id, accountId: run.accountId, level: e.level, message: e.message, context: (e.context ?? undefined) as Prisma.InputJsonValue | undefined })),
  });
  for (const e of entries) {
    const level = e.level === 'ERROR' ? 'error' : e.level === 'WARN' ? 'warn' : e.level === 'DEBUG' ? 'debug' : 'info';
    logger[level]({ runId: run.id, accountId: run.accountId, ...e.context }, e.message);
  }
}
