/** Words of the overview (#/): accounts, active alerts, inventory by channel, recent runs. */
import { defineMessages } from './i18n';

export const overviewMessages = defineMessages('overview', {
  accounts: 'Accounts',
  accountsLoading: 'accounts',
  colAccount: 'Account',
  colChannel: 'Channel',
  colStatus: 'Status',
  colLastSync: 'Last sync',
  colNextSync: 'Next sync',
  colFreshness: 'Freshness',
  colProgress: 'Progress',
  colActions: 'Actions',
  noAccounts: 'No marketplace accounts yet.',
  stale: 'stale',
  staleTitle: 'No successful sync for over {minutes} minutes',
  progressOf: 'Sync progress of {name}',
  idle: 'idle',
  fullSync: 'Full sync',
  fullSyncOf: 'Full sync {name}',
  incrementalSync: 'Incremental sync',
  incrementalSyncOf: 'Incremental sync {name}',
  cancel: 'Cancel',
  cancelSyncOf: 'Cancel sync of {name}',
  mode_FULL: 'FULL',
  mode_INCREMENTAL: 'INCREMENTAL',
  mode_SELECTIVE: 'SELECTIVE',
  alerts: 'Active alerts',
  noAlerts: 'No active alerts.',
  noAccount: 'no account',
  raised: 'raised {time}',
  stats: 'Inventory by channel',
  computed: 'computed {time}',
  refresh: 'Refresh statistics',
  refreshing: 'Refreshing…',
  runs: 'Recent runs',
  runsLoading: 'runs',
  noRuns: 'No sync has run yet.',
  colRun: 'Run',
  colMode: 'Mode',
  colCounts: 'Created / updated / unchanged / failed',
  colStarted: 'Started',
  colDuration: 'Duration',
  progressOfRun: 'Progress of run {id}',
  cancelRun: 'Cancel run {id}',
});

type Key = keyof (typeof overviewMessages)['en'];
/** A run's mode in words (the code itself in English, and for a mode not listed). */
export const modeWord = (t: (key: Key) => string, mode: string | null | undefined) => {
  if (!mode) return '';
  const key = `mode_${mode}`;
  return key in overviewMessages.en ? t(key as Key) : mode;
};
