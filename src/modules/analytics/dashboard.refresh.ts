/**
 * The scheduler's STATS_REFRESH firings (every 5 minutes by default, one instance per firing)
 * recompute the dashboard snapshot; monitoring registers the per-channel statistics beside it.
 */
import { registerScheduledHandler } from '../../scheduler/handlers.js';
import { refreshDashboardStats } from './dashboard.service.js';

registerScheduledHandler('STATS_REFRESH', async (services) => {
  await refreshDashboardStats(services);
});
