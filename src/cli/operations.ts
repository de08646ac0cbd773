/**
 * Every GraphQL operation the CLI sends, in one module: scripts/build-operations.ts reads it to
 * write the persisted-operations manifest, and api-client.ts sends each as its sha256 hash.
 */
export const ACCOUNTS = `query StocklineCliAccounts($after: String) { accounts(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id name channel enabled } } } }`;
export const ACCOUNTS_TEST = `mutation StocklineCliAccountsTest($id: ID!) { testAccountConnection(input: { id: $id }) { ok kind message errors { code message } } }`;
export const HEALTH = `query StocklineCliHealth { syncHealth { status databaseReachable runsInProgress staleAfterMinutes checkedAt
  accounts { account { id name channel enabled } lastSuccessAt lastRunStatus lagSeconds stale activeAlerts } } }`;
const REPORT_TOTALS = 'total successful failed partial cancelled inProgress averageDurationMs itemsSynced';
export const REPORT = `query StocklineCliReport($days: Int) { syncReport(days: $days) { days from to ${REPORT_TOTALS}
  accounts { account { id name channel enabled } ${REPORT_TOTALS} } } }`;
/** The first page of enabled schedules (needs a `$after: String` variable), for the status queries. */
const SCHEDULES_SELECTION = `schedules(first: 100, after: $after, filter: { enabled: true }) {
  pageInfo { hasNextPage endCursor }
  edges { node { id key kind mode scope cron intervalSeconds timeZone nextFireAt account { id name } } } }`;
export const STATUS = `query StocklineCliStatus($after: String) {
  schedulerStatus { paused pausedAt pausedBy }
  syncHealth { accounts { account { id name channel enabled } lastSuccessAt lastRunStatus stale activeRun { id status } } }
  ${SCHEDULES_SELECTION}
}`;
export const MORE_SCHEDULES = `query StocklineCliSchedules($after: String) { ${SCHEDULES_SELECTION} }`;
const SCHEDULER_STATE = 'status { paused pausedAt pausedBy } errors { code message }';
export const PAUSE_SCHEDULER = `mutation StocklineCliPauseScheduler { pauseScheduler { ${SCHEDULER_STATE} } }`;
export const RESUME_SCHEDULER = `mutation StocklineCliResumeScheduler { resumeScheduler { ${SCHEDULER_STATE} } }`;
export const SCHEDULER_STATUS = `query StocklineCliSchedulerStatus($after: String) { schedulerStatus { paused pausedAt pausedBy } ${SCHEDULES_SELECTION} }`;
export const TRIGGER_SYNC = `mutation StocklineCliSync($input: TriggerSyncInput!) { triggerSync(input: $input) {
  runs { id status account { id name } } errors { code message field } } }`;
export const SYNC_PROGRESS = `subscription StocklineCliSyncProgress($runId: ID!) { syncProgress(runId: $runId) {
  status phase pagesDone pagesTotal percent itemsDone itemsTotal itemsPerSecond etaSeconds } }`;
export const SYNC_RUN = `query StocklineCliSyncRun($id: ID!) { syncRun(id: $id) {
  id status mode scope created updated unchanged failed delisted durationMs activeMs error account { name } } }`;
