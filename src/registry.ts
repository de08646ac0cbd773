/**
 * What the service runs outside a request, declared in one place: the scheduled tasks (a schedule
 * row per key, created at start with the timing below, then owned by the user) and the background
 * task kinds. buildApp() installs both, so a process knows all of them whether or not it builds
 * the GraphQL schema; no module registers itself when imported. Add a scheduled job or a task kind
 * here. SYNC schedules (one or two per account) are the scheduler's own (scheduler/default-schedules.ts).
 */
import { refreshDashboardStats } from './modules/analytics/dashboard.service.js';
import { refreshChannelStatistics } from './modules/monitoring/channel-stats.service.js';
import { aggregateBatchAsyncTask } from './modules/production/batch-aggregate-async.js';
import { exportBatchesTask } from './modules/production/batch-export.js';
import { EXPORT_PRODUCTS_KIND, exportProductsTask } from './modules/catalog/product-export.js';
import { EXPORT_ORDERS_KIND, exportOrdersTask } from './modules/orders/order-export.js';
import { importBatchesTask } from './modules/production/batch-import.task.js';
import { BATCH_REPORT_KIND, batchReportTask } from './modules/reports/batch-report.task.js';
import { DEFAULT_RETENTION_BATCH, retainLogs } from './modules/sync/sync.retention.js';
import { registerTaskKinds } from './modules/tasks/task-kinds.js';
import { retainTasks } from './modules/tasks/task-retention.js';
import { declareScheduledTasks, type ScheduledTask } from './scheduler/handlers.js';
import { REPLAY_KIND, replayWebhookDeliveriesTask } from './modules/webhooks/webhook.replay.js';
import { retainWebhookDeliveries, retentionOf } from './modules/webhooks/webhook.retention.js';

const DEFAULT_LOG_RETENTION_DAYS = 30;

const scheduledTasks: readonly ScheduledTask[] = [
  {
    key: 'log-retention',
    kind: 'LOG_RETENTION',
    cron: '15 3 * * *',
    handlers: [(services, { now, retention }) => retainLogs(services, now, retention?.logDays ?? DEFAULT_LOG_RETENTION_DAYS, retention?.batchSize)],
  },
  {
    key: 'task-retention',
    kind: 'TASK_RETENTION',
    cron: '40 * * * *',
    handlers: [
      (services, { retention }) => retainTasks(services, retention?.batchSize ?? DEFAULT_RETENTION_BATCH),
      (services, { now, retention }) => retainWebhookDeliveries(services, now, { ...retentionOf(services), batchSize: retention?.batchSize }),
    ],
  },
  {
    // Every 5 minutes, one instance per firing: the dashboard snapshot and the per-channel statistics.
    key: 'stats-refresh',
    kind: 'STATS_REFRESH',
    intervalSeconds: 300,
    anchor: new Date(0),
    handlers: [(services) => refreshDashboardStats(services), (services) => refreshChannelStatistics(services)],
  },
];

/** Background task kinds by name (the name stored in BackgroundTask.kind). */
export const taskKinds = {
  exportBatches: exportBatchesTask,
  [EXPORT_PRODUCTS_KIND]: exportProductsTask,
  [EXPORT_ORDERS_KIND]: exportOrdersTask,
  importBatches: importBatchesTask,
  aggregateBatchAsync: aggregateBatchAsyncTask,
  [BATCH_REPORT_KIND]: batchReportTask,
  [REPLAY_KIND]: replayWebhookDeliveriesTask,
};

/** Installs the declarations above; installing again (another buildApp in the same process) changes nothing. */
export function installRegistry(): void {
  declareScheduledTasks(scheduledTasks);
  registerTaskKinds(taskKinds);
}
