/**
 * The scheduler of a worker process. Schedules are rows (model Schedule); any number of instances
 * run this loop over the same rows, and each firing runs once: an instance runs a firing only if
 * its compare-and-set moving `nextFireAt` from this fire time to the next one hit the row.
 *
 * Timing: one node-schedule job armed at the earliest `nextFireAt` (or at the next re-read,
 * whichever comes first: rows edited on another instance and new accounts are picked up then).
 * Tests turn timers off and drive time through `fireDue(at)` with an injected clock.
 *
 * A firing that was missed (no instance was up) runs once, and the next fire time is the first
 * one after now, on the schedule's grid: missed slots are not replayed.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import nodeSchedule from 'node-schedule';
import type { Prisma, Schedule } from '../generated/prisma/client.js';
import type { Actor, AppServices } from '../core/services.js';
import { triggerSync } from '../modules/sync/sync-run.service.js';
import { DEFAULT_RETENTION_BATCH } from '../modules/sync/sync.retention.js';
import { ensureDefaultSchedules } from './default-schedules.js';
import { scheduledHandler, type Firing } from './handlers.js';
import { nextFireTime } from './schedule-timing.js';
import { isSchedulerPaused } from './schedule.service.js';

/** Who scheduled syncs are triggered by (SyncRun.triggeredBy = "scheduler"). */
export const SCHEDULER_ACTOR: Actor = { tokenId: 'scheduler', name: 'scheduler', role: 'ADMIN' };

export interface SchedulerOptions {
  /** The clock; default the system clock. */
  now?: () => Date;
  /** How often rows are re-read and default schedules ensured (edits on other instances, new accounts); default 30000 ms. */
  reloadMs?: number;
  /** Arm real timers; false leaves all firing to `fireDue()` (tests with a fake clock); default true. */
  timers?: boolean;
  /** Names this process in firing logs; default host:pid:random. */
  instanceId?: string;
  /** The database belongs to this process alone (PGlite): the first-sync claim needs no lock; default false. */
  exclusiveDatabase?: boolean;
  /** At start, queue an INCREMENTAL ALL sync for every enabled account that never synced; default true. */
  firstSync?: boolean;
  /** LOG_RETENTION deletes sync logs and finished pushes older than this; default 30 days. */
  logRetentionDays?: number;
  /** Rows one retention delete statement removes at most; default 5000. */
  retentionBatchSize?: number;
}

/** The outcome of one firing this instance claimed and ran. */
export interface FiredSchedule {
  scheduleId: string;
  key: string;
  kind: Schedule['kind'];
  fireAt: Date;
  nextFireAt: Date | null;
  runId: string | null;
  error: string | null;
}

export interface Scheduler {
  readonly instanceId: string;
  /** Claims and runs every schedule due at `at` (default: the clock's now); returns what this instance ran. */
  fireDue(at?: Date): Promise<FiredSchedule[]>;
  /** Ensures default schedules now (e.g. an account was added); returns how many were created. */
  ensureDefaults(): Promise<number>;
  /** Re-reads the rows and re-arms the timer now (a schedule was edited here). */
  kick(): void;
  /** Stops arming timers, waits for a firing in progress. Syncs it queued are the sync runner's. */
  stop(): Promise<void>;
}

// One lock id for the first-sync claim (pg_advisory_xact_lock): instances starting together queue on it.
const FIRST_SYNC_LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext('stockline:scheduler:first-sync'))`;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Schedules that may fire: enabled, timed, and not of a disabled account (those wait until it is enabled again). */
export function fireableWhere(dueAt?: Date): Prisma.ScheduleWhereInput {
  return { enabled: true, nextFireAt: dueAt ? { lte: dueAt } : { not: null }, OR: [{ accountId: null }, { account: { enabled: true } }] };
}

/** Starts the scheduler: ensures default schedules, queues first syncs, then arms its timer. */
export async function startScheduler(services: AppServices, options: SchedulerOptions = {}): Promise<Scheduler> {
  const clock = options.now ?? (() => new Date());
  const reloadMs = options.reloadMs ?? 30_000;
  const timers = options.timers ?? true;
  const instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const retentionDays = options.logRetentionDays ?? 30;
  const batchSize = options.retentionBatchSize ?? DEFAULT_RETENTION_BATCH;
  const { prisma } = services;
  const log = services.logger.child({ component: 'scheduler', instanceId });

  let stopping = false;
  let job: nodeSchedule.Job | null = null;
  let fallback: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;
  let again = false;
  let lastEnsured = 0;
  // Firings run one at a time per instance (timer, kick and explicit fireDue calls queue up).
  let firing: Promise<unknown> = Promise.resolve();

  /** The compare-and-set: only the instance whose update hits the row runs this firing. */
  const claim = async (id: string, fireAt: Date, next: Date | null): Promise<boolean> => {
    const hit = await prisma.$executeRawUnsafe(
      `UPDATE "Schedule" SET "nextFireAt" = $2::timestamptz, "lastFiredAt" = $3::timestamptz, "updatedAt" = now()
        WHERE id = $1::uuid AND "nextFireAt" = $3::timestamptz AND enabled
          AND NOT EXISTS (SELECT 1 FROM "SchedulerState" WHERE paused)`,
      id,
      next?.toISOString() ?? null,
      fireAt.toISOString(),
    );
    return hit === 1;
  };

  const run = async (row: Schedule, fireAt: Date, now: Date): Promise<{ runId: string | null; error: string | null }> => {
    switch (row.kind) {
      case 'SYNC': {
        if (!row.accountId) return { runId: null, error: 'a SYNC schedule needs an account' };
        // An account already syncing gets its active run back: that run is recorded all the same.
        const runs = await triggerSync(services, SCHEDULER_ACTOR, { accountIds: [row.accountId], scope: row.scope ?? 'ALL', mode: row.mode ?? 'INCREMENTAL' });
        return { runId: runs[0]?.id ?? null, error: null };
      }
      default: {
        const handler = scheduledHandler(row.kind);
        if (!handler) return { runId: null, error: 'no handler' };
        const context: Firing = { scheduleId: row.id, key: row.key, kind: row.kind, fireAt, now, retention: { logDays: retentionDays, batchSize } };
        await handler(services, context);
        return { runId: null, error: null };
      }
    }
  };

  const fireOne = async (row: Schedule, at: Date): Promise<FiredSchedule | null> => {
    const fireAt = row.nextFireAt!;
    let next: Date | null;
    let timingError: string | null = null;
    try {
      // On time: the next slot after this one. Late: the first slot after now (missed ones are skipped).
      next = nextFireTime(row, at > fireAt ? at : fireAt, fireAt);
    } catch (error) {
      // Unusable timing (edited in the database by hand): fire no more until someone fixes it.
      next = null;
      timingError = `cannot compute the next fire time: ${messageOf(error)}`;
    }
    if (!(await claim(row.id, fireAt, next))) return null;

    let outcome: { runId: string | null; error: string | null };
    try {
      outcome = timingError ? { runId: null, error: timingError } : await run(row, fireAt, at);
    } catch (error) {
      outcome = { runId: null, error: messageOf(error) };
    }
    await prisma.schedule.updateMany({
      where: { id: row.id },
      data: { lastError: outcome.error, ...(outcome.runId ? { lastRunId: outcome.runId } : {}) },
    });
    const message = `schedule ${row.key} fired for ${fireAt.toISOString()}`;
    const context = { scheduleId: row.id, key: row.key, kind: row.kind, fireAt: fireAt.toISOString(), instanceId, runId: outcome.runId, error: outcome.error };
    await prisma.syncLog.create({ data: { level: outcome.error ? 'WARN' : 'INFO', accountId: row.accountId, message, context } });
    if (outcome.error) log.warn(context, message);
    else log.info(context, message);
    return { scheduleId: row.id, key: row.key, kind: row.kind, fireAt, nextFireAt: next, ...outcome };
  };

  const fireDueNow = async (at: Date): Promise<FiredSchedule[]> => {
    if (stopping || (await isSchedulerPaused(prisma))) return [];
    const due = await prisma.schedule.findMany({ where: fireableWhere(at), orderBy: [{ nextFireAt: 'asc' }, { key: 'asc' }] });
    const fired: FiredSchedule[] = [];
    for (const row of due) {
      if (stopping) break;
      const outcome = await fireOne(row, at);
      if (outcome) fired.push(outcome);
    }
    return fired;
  };

  const fireDue = (at: Date = clock()): Promise<FiredSchedule[]> => {
    const result = firing.then(() => fireDueNow(at));
    firing = result.catch(() => undefined);
    return result;
  };

  const ensureDefaults = async () => {
    const created = await ensureDefaultSchedules(prisma, clock(), services.scheduling);
    lastEnsured = Date.now();
    if (created) log.info({ created }, 'created default schedules');
    return created;
  };

  /**
   * Once at start: an INCREMENTAL ALL sync of every enabled account that has never synced. Not a
   * schedule row; on PostgreSQL instances starting together take turns on an advisory lock, so the
   * second one sees the first one's runs and queues nothing.
   */
  const firstSync = async () => {
    const work = async () => {
      const accounts = await prisma.marketplaceAccount.findMany({ where: { enabled: true, syncRuns: { none: {} } }, select: { id: true, name: true }, orderBy: { name: 'asc' } });
      for (const account of accounts) {
        try {
          const [run] = await triggerSync(services, SCHEDULER_ACTOR, { accountIds: [account.id], scope: 'ALL', mode: 'INCREMENTAL' });
          log.info({ accountId: account.id, runId: run?.id }, `first sync of "${account.name}" queued`);
        } catch (error) {
          log.warn({ err: error, accountId: account.id }, `first sync of "${account.name}" could not be queued`);
        }
      }
    };
    if (options.exclusiveDatabase) return work();
    await prisma.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(FIRST_SYNC_LOCK_SQL);
        await work();
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
  };

  /** Wakes up at the earliest fire time, or at the next re-read if that comes first. */
  const arm = async () => {
    if (stopping || !timers) return;
    const now = clock().getTime();
    let wake = now + reloadMs;
    try {
      if (!(await isSchedulerPaused(prisma))) {
        const first = await prisma.schedule.findFirst({ where: fireableWhere(), orderBy: { nextFireAt: 'asc' }, select: { nextFireAt: true } });
        if (first?.nextFireAt) wake = Math.min(wake, Math.max(first.nextFireAt.getTime(), now + 20));
      }
    } catch (error) {
      log.warn({ err: error }, 'scheduler could not read its schedules; retrying');
    }
    if (stopping) return;
    job?.cancel();
    // Timers run on the system clock; the injected clock only shifts what "now" means.
    job = nodeSchedule.scheduleJob(new Date(Date.now() + (wake - now)), () => tick());
    if (!job) fallback = setTimeout(() => tick(), 20);
  };

  const tick = () => {
    if (stopping) return;
    if (ticking) {
      again = true;
      return;
    }
    ticking = (async () => {
      if (Date.now() - lastEnsured >= reloadMs) await ensureDefaults();
      await fireDue();
    })()
      .catch((error: unknown) => log.error({ err: error }, 'scheduler tick failed'))
      .then(() => arm())
      .finally(() => {
        ticking = null;
        if (again && !stopping) {
          again = false;
          tick();
        }
      });
  };

  try {
    await ensureDefaults();
    if (options.firstSync ?? true) await firstSync();
  } catch (error) {
    log.error({ err: error }, 'scheduler start-up work failed; it is retried at the next re-read');
    lastEnsured = 0;
  }
  if (timers) tick();
  log.info({ reloadMs, timers }, 'scheduler started');

  return {
    instanceId,
    fireDue,
    ensureDefaults,
    kick: () => {
      if (timers) tick();
    },
    async stop() {
      stopping = true;
      job?.cancel();
      job = null;
      if (fallback) clearTimeout(fallback);
      await ticking;
      await firing;
    },
  };
}
