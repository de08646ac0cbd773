/**
 * Queue depths read from the database when Prometheus scrapes: one statement of indexed counts
 * (each table has an index leading with status). A database that is down or slow does not fail
 * the scrape: the queue gauges are left empty, `stockline_queue_depth_up` says 0, and the failure
 * is logged once until a read succeeds again.
 */
import type { Logger } from 'pino';
import type { PrismaClient } from '../../generated/prisma/client.js';

export interface QueueDepth {
  queue: 'webhook_deliveries' | 'background_tasks' | 'push_jobs' | 'sync_runs';
  state: 'pending' | 'running' | 'interrupted';
  count: number;
}

export interface QueueDepthSampler {
  /** The depths, or null when the database could not say; concurrent callers share one read. */
  sample(): Promise<QueueDepth[] | null>;
}

/** A scrape that waits longer than this for the database reports the queues as unknown. */
const TIMEOUT_MS = 3000;

type Row = Record<'webhookPending' | 'tasksPending' | 'tasksRunning' | 'pushPending' | 'syncPending' | 'syncRunning' | 'syncInterrupted', number>;

export function queueDepthSampler(prisma: PrismaClient, logger: Logger): QueueDepthSampler {
  /** The gauges of one scrape ask at once: they share the read in flight. */
  let inFlight: Promise<QueueDepth[] | null> | undefined;
  let failing = false;

  const read = async (): Promise<QueueDepth[] | null> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const query = prisma.$queryRawUnsafe<Row[]>(
        `SELECT
           (SELECT count(*) FROM "WebhookDelivery" WHERE status = 'PENDING')::int AS "webhookPending",
           (SELECT count(*) FROM "BackgroundTask" WHERE status = 'PENDING')::int AS "tasksPending",
           (SELECT count(*) FROM "BackgroundTask" WHERE status = 'PROGRESS')::int AS "tasksRunning",
           (SELECT count(*) FROM "PushJob" WHERE status = 'PENDING')::int AS "pushPending",
           s.pending::int AS "syncPending", s.running::int AS "syncRunning", s.interrupted::int AS "syncInterrupted"
         FROM (SELECT count(*) FILTER (WHERE status = 'PENDING') AS pending, count(*) FILTER (WHERE status = 'RUNNING') AS running,
                      count(*) FILTER (WHERE status = 'INTERRUPTED') AS interrupted
                 FROM "SyncRun" WHERE status IN ('PENDING', 'RUNNING', 'INTERRUPTED')) s`,
      );
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
        timer.unref();
      });
      query.catch(() => {}); // a late failure after the timeout is already reported
      const [row] = await Promise.race([query, timeout]);
      if (failing) logger.info('queue depths readable again');
      failing = false;
      return [
        { queue: 'webhook_deliveries', state: 'pending', count: row!.webhookPending },
        { queue: 'background_tasks', state: 'pending', count: row!.tasksPending },
        { queue: 'background_tasks', state: 'running', count: row!.tasksRunning },
        { queue: 'push_jobs', state: 'pending', count: row!.pushPending },
        { queue: 'sync_runs', state: 'pending', count: row!.syncPending },
        { queue: 'sync_runs', state: 'running', count: row!.syncRunning },
        { queue: 'sync_runs', state: 'interrupted', count: row!.syncInterrupted },
      ];
    } catch (error) {
      if (!failing) logger.warn({ err: error }, 'metrics: queue depths could not be read; reported as unknown until they can');
      failing = true;
      return null;
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    sample() {
      inFlight ??= read().finally(() => (inFlight = undefined));
      return inFlight;
    },
  };
}
