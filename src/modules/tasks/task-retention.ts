import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppServices } from '../../core/services.js';
import { unlinkFiles } from '../files/file.store.js';
import { DEFAULT_RETENTION_BATCH, retainRunSeen } from '../sync/sync.retention.js';
import { settingsOf } from './task.settings.js';

export interface TaskCleanup {
  tasksDeleted: number;
  filesDeleted: number;
}

/** Rows per delete statement, so a large backlog never holds one huge transaction. */
const CHUNK = 500;
/** A `.part` file this old belongs to a write that died (crash); removed. */
const STALE_PARTIAL_MS = 6 * 3_600_000;

/**
 * Deletes finished tasks past their expiry (TASK_RESULT_TTL_HOURS after they finished) with their
 * files, and any other expired file, bytes first and rows second; safe to run on several
 * instances at once and as often as wanted (the scheduler runs it hourly).
 */
export async function cleanupExpiredTasks(services: AppServices, now = new Date()): Promise<TaskCleanup> {
  const { prisma } = services;
  let tasksDeleted = 0;
  let filesDeleted = 0;
  for (;;) {
    const tasks = await prisma.backgroundTask.findMany({ where: { expiresAt: { lte: now } }, select: { id: true, files: { select: { id: true, path: true } } }, take: CHUNK });
    if (tasks.length === 0) break;
    const files = tasks.flatMap((t) => t.files);
    await unlinkFiles(services, files);
    // Files go with their task (ON DELETE CASCADE).
    tasksDeleted += (await prisma.backgroundTask.deleteMany({ where: { id: { in: tasks.map((t) => t.id) }, expiresAt: { lte: now } } })).count;
    filesDeleted += files.length;
    if (tasks.length < CHUNK) break;
  }
  for (;;) {
    const files = await prisma.storedFile.findMany({ where: { expiresAt: { lte: now } }, select: { id: true, path: true }, take: CHUNK });
    if (files.length === 0) break;
    await unlinkFiles(services, files);
    filesDeleted += (await prisma.storedFile.deleteMany({ where: { id: { in: files.map((f) => f.id) } } })).count;
    if (files.length < CHUNK) break;
  }
  await removeStalePartials(services, now);
  if (tasksDeleted || filesDeleted) services.logger.info({ tasksDeleted, filesDeleted }, 'expired background tasks and files removed');
  return { tasksDeleted, filesDeleted };
}

async function removeStalePartials(services: AppServices, now: Date) {
  const dir = settingsOf(services).filesDir;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.part'))) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (info && now.getTime() - info.mtimeMs > STALE_PARTIAL_MS) await unlink(path).catch(() => undefined);
  }
}

export interface TaskRetentionResult {
  /** SyncRunSeen rows left behind by runs that are no longer active. */
  seenRows: number;
  /** Expired background tasks and files removed (results are kept TASK_RESULT_TTL_HOURS). */
  tasks: TaskCleanup;
}

/** TASK_RETENTION: leftover bookkeeping of finished sync runs, then expired task results and files. */
export async function retainTasks(services: AppServices, batchSize = DEFAULT_RETENTION_BATCH): Promise<TaskRetentionResult> {
  const seenRows = await retainRunSeen(services, batchSize);
  return { seenRows, tasks: await cleanupExpiredTasks(services) };
}
