/**
 * The scheduler's STATS_REFRESH firings (every 5 minutes by default, one instance per firing)
 * recompute the dashboard snapshot, next to the per-channel statistics monitoring refreshes.
 *
 * The handler registry keeps one handler per kind (the last registration wins), so this one runs
 * whatever was registered before it too: monitoring's channel-stats module is imported first to
 * make that order certain. Each refresh runs even if the other fails; a failure is rethrown so the
 * schedule records it as lastError.
 */
import '../monitoring/channel-stats.service.js';
import { registerScheduledHandler, scheduledHandler, type ScheduledHandler } from '../../scheduler/handlers.js';
import { refreshDashboardStats } from './dashboard.service.js';

const refreshDashboard: ScheduledHandler = async (services) => {
  await refreshDashboardStats(services);
};

const previous = scheduledHandler('STATS_REFRESH');
registerScheduledHandler(
  'STATS_REFRESH',
  previous
    ? async (services, firing) => {
        const outcomes = await Promise.allSettled([previous(services, firing), refreshDashboard(services, firing)]);
        const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason instanceof Error ? o.reason.message : String(o.reason)] : []));
        if (failures.length) throw new Error(failures.join('; '));
      }
    : refreshDashboard,
);
