/**
 * Every GraphQL operation the dashboard sends, in one module: scripts/build-operations.ts reads it
 * to write the persisted-operations manifest, and the client sends each as its hash
 * (client.ts). A document written anywhere else would not be in the manifest, and a service
 * restricted to it (PERSISTED_OPERATIONS=only) would refuse it.
 */
import { gql } from '@urql/core';
import type { AccountRow, ScheduleRow, SyncHealth } from './accounts-panel';
import type { AlertItem } from './alerts-panel';
import type { ChannelStatsData } from './channel-stats-panel';
import type { PayloadError } from './components';
import type { ProgressEvent, RunSummary } from './live-runs-state';
import type { LogEntry, LogFilter } from './logs-page';
import type { Connection } from './paging';
import type { BatchFilter, BatchPayload, BatchRow } from './production-page';
import type { AttemptEvent, Delivery, WebhookRow } from './webhooks-page';
import type { AccountChoice, ListingRow, ProductDetail, ProductFilter, ProductRow } from './catalog-types';
import type { ConflictFilter, ConflictRow } from './conflicts-types';
import type { ExportTask } from './csv-export-button';
import type { MoneyCount, OrderDetail, OrderFilter, OrderRow } from './orders-types';
import type { AccountDetail, ChannelInfo, ConnectionTest } from './accounts-page';
import type { ScheduleDetail, SchedulerStatus } from './schedules-page';
import type { ApiTokenRow } from './tokens-page';
import type { TaskDetail } from './files-tasks';
import type { ReportDay } from './history-page';

/** Who a token is: the sign-in check (auth.ts), sent by plain fetch before the urql client exists. */
export const VIEWER = 'query DashboardViewer { viewer { name role } }';

/** Largest page the API serves, and the page info every paged query asks for. */
export const PAGE_MAX = 100;
export const PAGE_INFO = 'pageInfo { hasNextPage endCursor }';
/** The typed errors every mutation payload answers with. */
const ERRORS = 'errors { code message field }';
export const RUN_FIELDS = `id status mode scope percent pagesDone pagesTotal created updated unchanged failed durationMs error createdAt startedAt finishedAt triggeredBy account { id name channel }`;
const ALERT_FIELDS = 'id kind severity message raisedAt active account { id name }';
const BATCH_FIELDS = 'id batchNumber batchDate nomenclature shift team closed closedAt aggregatedUnitCount workCenter { id identifier name }';
/** Runs the overview's recent-runs list shows. */
export const RECENT_RUNS_SHOWN = 15;

// live-runs.ts
export const SYNC_PROGRESS = gql<{ syncProgress: ProgressEvent }>(`subscription DashboardSyncProgress { syncProgress { runId accountId status percent pagesDone pagesTotal etaSeconds itemsPerSecond phase } }`);
export const SYNC_RUN_UPDATED = gql<{ syncRunUpdated: RunSummary }>(`subscription DashboardSyncRunUpdated { syncRunUpdated { ${RUN_FIELDS} } }`);

// accounts-panel.tsx
export const ACCOUNTS_PAGE = gql<{ accounts: Connection<AccountRow> }, { after: string | null }>(`query DashboardAccounts($after: String) { accounts(first: ${PAGE_MAX}, after: $after) { ${PAGE_INFO} edges { node { id name channel enabled fulfillment } } } }`);
export const SCHEDULES_PAGE = gql<{ schedules: Connection<ScheduleRow> }, { after: string | null }>(`query DashboardSchedules($after: String) { schedules(first: ${PAGE_MAX}, after: $after, filter: { kind: SYNC, enabled: true }) { ${PAGE_INFO} edges { node { nextFireAt mode account { id } } } } }`);
export const SYNC_HEALTH = gql<{ syncHealth: SyncHealth }>(`
  query DashboardSyncHealth {
    syncHealth {
      staleAfterMinutes
      accounts { account { id } lagSeconds lastSuccessAt lastRunStatus stale activeAlerts activeRun { id status percent mode } }
    }
  }
`);
export const TRIGGER_SYNC = gql<{ triggerSync: { runs: RunSummary[]; errors: PayloadError[] } }, { input: { accountIds: string[]; mode: string } }>(`mutation DashboardTriggerSync($input: TriggerSyncInput!) { triggerSync(input: $input) { runs { ${RUN_FIELDS} } ${ERRORS} } }`);
export const CANCEL_RUN = gql<{ cancelSyncRun: { run: RunSummary | null; errors: PayloadError[] } }, { id: string }>(`mutation DashboardCancelRun($id: ID!) { cancelSyncRun(input: { id: $id }) { run { ${RUN_FIELDS} } ${ERRORS} } }`);

// alerts-panel.tsx
export const ACTIVE_ALERTS = gql<{ alerts: { edges: { node: AlertItem }[] } }>(`query DashboardAlerts { alerts(active: true, first: 50) { edges { node { ${ALERT_FIELDS} } } } }`);
export const ALERT_RAISED = gql<{ alertRaised: { id: string } }>(`subscription DashboardAlertRaised { alertRaised { id } }`);

// channel-stats-panel.tsx
export const CHANNEL_STATS = gql<ChannelStatsData, { refresh: boolean }>(`query DashboardChannelStats($refresh: Boolean) { channelStatistics(refresh: $refresh) { computedAt channels { channel accounts listings activeListings outOfStock stockUnits orders revenue { amount currency } } } }`);

// logs-page.tsx
export const LOGS = gql<{ syncLogs: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: LogEntry }[] } }, { filter: LogFilter; first: number; after: string | null }>(`
  query DashboardLogs($filter: SyncLogFilter, $first: Int, $after: String) {
    syncLogs(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id createdAt level message context runId accountId account { name } } }
    }
  }
`);

// production-page.tsx
export const BATCHES = gql<
  { batches: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: BatchRow }[] } },
  { filter: BatchFilter; first: number; after: string | null }
>(`
  query DashboardBatches($filter: BatchFilter, $first: Int, $after: String) {
    batches(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { ${BATCH_FIELDS} } }
    }
  }
`);
export const WORK_CENTERS = gql<{ workCenters: Connection<{ id: string; identifier: string; name: string }> }, { after: string | null }>(`query DashboardWorkCenters($after: String) { workCenters(first: ${PAGE_MAX}, after: $after) { ${PAGE_INFO} edges { node { id identifier name } } } }`);
export const STATS = gql<
  {
    dashboardStats: { batchesTotal: number; batchesActive: number; unitsTotal: number; unitsAggregated: number; aggregationRate: number | null; productsTotal: number; outOfStock: number; ordersToday: number; revenueToday: { amount: string; currency: string }[]; syncSuccessRate: number | null; syncRunsFinished: number; computedAt: string };
  },
  { refresh: boolean }
>(`query DashboardStats($refresh: Boolean) { dashboardStats(refresh: $refresh) { batchesTotal batchesActive unitsTotal unitsAggregated aggregationRate productsTotal outOfStock ordersToday revenueToday { amount currency } syncSuccessRate syncRunsFinished computedAt } }`);
export const CLOSE = gql<{ closeBatch: BatchPayload }, { id: string }>(`mutation DashboardCloseBatch($id: ID!) { closeBatch(input: { id: $id }) { batch { ${BATCH_FIELDS} } ${ERRORS} } }`);
export const REOPEN = gql<{ reopenBatch: BatchPayload }, { id: string }>(`mutation DashboardReopenBatch($id: ID!) { reopenBatch(input: { id: $id }) { batch { ${BATCH_FIELDS} } ${ERRORS} } }`);
export const AGGREGATE = gql<{ aggregateBatch: BatchPayload & { aggregatedCount: number | null } }, { id: string }>(`mutation DashboardAggregateBatch($id: ID!) { aggregateBatch(input: { batchId: $id }) { aggregatedCount batch { ${BATCH_FIELDS} } ${ERRORS} } }`);
export const BATCH_EVENTS = gql<{ domainEvents: { id: string } }, { types: string[] }>(`subscription DashboardBatchEvents($types: [String!]) { domainEvents(types: $types) { id } }`);

// runs-panel.tsx
export const RECENT_RUNS = gql<{ syncRuns: { edges: { node: RunSummary }[] } }>(`query DashboardRecentRuns { syncRuns(first: ${RECENT_RUNS_SHOWN}) { edges { node { ${RUN_FIELDS} } } } }`);

// webhooks-page.tsx
const WEBHOOK_FIELDS = 'id url events active retryCount timeoutMs description ordered deadLetterPolicy maxPerSecond contactEmail disabledAt disabledReason failingSince pausedUntil';
export const WEBHOOKS = gql<{ webhooks: { edges: { node: WebhookRow }[] } }>(`query DashboardWebhooks { webhooks(first: 100) { edges { node { ${WEBHOOK_FIELDS} } } } }`);
export const DELIVERIES = gql<{ webhookDeliveries: { totalCount: number; edges: { node: Delivery }[] } }, { webhookId: string }>(`
  query DashboardDeliveries($webhookId: ID!) {
    webhookDeliveries(webhookId: $webhookId, first: 25) {
      totalCount
      edges { node { id eventType status attempts responseStatus error createdAt deliveredAt nextAttemptAt attemptLog { attempt startedAt durationMs success responseStatus responseBody error } } }
    }
  }
`);
export const ATTEMPTS = gql<{ webhookDelivery: AttemptEvent }, { webhookId: string }>(`subscription DashboardWebhookAttempts($webhookId: ID!) { webhookDelivery(webhookId: $webhookId) { deliveryId attempt status success responseStatus eventType at } }`);

// ---- catalog, orders, conflicts (catalog-page.tsx, catalog-product.tsx, orders-page.tsx, conflicts-page.tsx) ----
const PUSH_FIELDS = 'pushes { kind value state attempts error nextAttemptAt }';
const LISTING_FIELDS = `id sku externalId channel account { id name stockAllocation { mode value } } price currency stock status remoteStatus stockByWarehouse { warehouseId stock } lastSeenAt rejectionReasons ${PUSH_FIELDS}`;
const PRODUCT_ROW_FIELDS = `id sku name hidden totalStock stock { onHand reserved available oversold } listings { ${LISTING_FIELDS} }`;
const CHANGE_FIELDS = 'id field oldValue newValue actor source createdAt';
const ORDER_ROW_FIELDS = 'id externalId channel account { id name } status placedAt total currency itemCount customer { name }';
const CONFLICT_FIELDS =
  'id field localValue remoteValue baseValue localChangedAt remoteChangedAt createdAt account { id name channel } listing { id sku currency product { id name } } order { id externalId }';

/** The channels the service knows (served by the API, never listed in the dashboard). */
export const CHANNEL_CHOICES = gql<{ channels: { channel: string }[] }>(`query DashboardChannelChoices { channels { channel } }`);
export const ACCOUNT_CHOICES = gql<{ accounts: Connection<AccountChoice> }, { after: string | null }>(`query DashboardAccountChoices($after: String) { accounts(first: ${PAGE_MAX}, after: $after) { ${PAGE_INFO} edges { node { id name channel } } } }`);
export const PRODUCTS = gql<{ products: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: ProductRow }[] } }, { filter: ProductFilter; first: number; after: string | null }>(
  `query DashboardProducts($filter: ProductFilter, $first: Int, $after: String) { products(filter: $filter, first: $first, after: $after) { totalCount ${PAGE_INFO} edges { node { ${PRODUCT_ROW_FIELDS} } } } }`,
);
/** Units of one product sold per day (UTC), the last 30 days by default. */
export const PRODUCT_TRENDS = gql<{ productTrends: { unitsSold: number; from: string; to: string; days: { date: string; unitsSold: number }[] } | null }, { id: string }>(`query DashboardProductTrends($id: ID!) { productTrends(productId: $id) { unitsSold from to days { date unitsSold } } }`);
export const PRODUCT = gql<{ product: ProductDetail | null }, { id: string }>(`
  query DashboardProduct($id: ID!) {
    product(id: $id) {
      ${PRODUCT_ROW_FIELDS} cost createdAt updatedAt
      changes(first: 50) { ${CHANGE_FIELDS} }
      listings { id name brand category barcodes changes(first: 50) { ${CHANGE_FIELDS} } }
    }
  }
`);
export const UPDATE_PRICE = gql<{ updateListingPrice: { listing: ListingRow | null; errors: PayloadError[] } }, { input: { listingId: string; price: string } }>(
  `mutation DashboardUpdatePrice($input: UpdateListingPriceInput!) { updateListingPrice(input: $input) { listing { ${LISTING_FIELDS} } ${ERRORS} } }`,
);
export const UPDATE_STOCK = gql<{ updateListingStock: { listing: ListingRow | null; errors: PayloadError[] } }, { input: { listingId: string; stock: number } }>(
  `mutation DashboardUpdateStock($input: UpdateListingStockInput!) { updateListingStock(input: $input) { listing { ${LISTING_FIELDS} } ${ERRORS} } }`,
);
export const SET_HIDDEN = gql<{ setProductHidden: { product: { id: string; hidden: boolean } | null; errors: PayloadError[] } }, { input: { productId: string; hidden: boolean } }>(
  `mutation DashboardSetHidden($input: SetProductHiddenInput!) { setProductHidden(input: $input) { product { id hidden } ${ERRORS} } }`,
);
/** Events that change what the catalog shows: edits, synced values, and the pushes' progress. */
export const CATALOG_EVENTS = gql<{ domainEvents: { id: string } }, { types: string[] }>(`subscription DashboardCatalogEvents($types: [String!]) { domainEvents(types: $types) { id } }`);

export const ORDERS = gql<{ orders: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: OrderRow }[] }; orderTotals: MoneyCount[] }, { filter: OrderFilter; first: number; after: string | null }>(
  `query DashboardOrders($filter: OrderFilter, $first: Int, $after: String) { orders(filter: $filter, first: $first, after: $after, orderBy: { field: PLACED_AT, direction: DESC }) { totalCount ${PAGE_INFO} edges { node { ${ORDER_ROW_FIELDS} } } } orderTotals(filter: $filter) { currency amount count } }`,
);
export const ORDER = gql<{ order: OrderDetail | null }, { id: string }>(`
  query DashboardOrder($id: ID!) {
    order(id: $id) {
      ${ORDER_ROW_FIELDS} remoteStatus statusEditedAt customer { name email phone }
      items { id position sku name quantity price lineTotal product { id sku name } }
      changes(first: 50) { ${CHANGE_FIELDS} }
    }
  }
`);
export const UPDATE_ORDER_STATUS = gql<{ updateOrderStatus: { order: { id: string; status: string } | null; errors: PayloadError[] } }, { input: { orderId: string; status: string } }>(
  `mutation DashboardUpdateOrderStatus($input: UpdateOrderStatusInput!) { updateOrderStatus(input: $input) { order { id status statusEditedAt } ${ERRORS} } }`,
);
export const ORDER_EVENTS = gql<{ domainEvents: { id: string } }, { types: string[] }>(`subscription DashboardOrderEvents($types: [String!]) { domainEvents(types: $types) { id } }`);

export const CONFLICTS = gql<{ syncConflicts: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: ConflictRow }[] } }, { filter: ConflictFilter; first: number; after: string | null }>(
  `query DashboardConflicts($filter: SyncConflictFilter, $first: Int, $after: String) { syncConflicts(filter: $filter, first: $first, after: $after) { totalCount ${PAGE_INFO} edges { node { ${CONFLICT_FIELDS} } } } }`,
);
export const RESOLVE_CONFLICT = gql<{ resolveSyncConflict: { conflict: { id: string; resolution: string | null } | null; errors: PayloadError[] } }, { input: { id: string; resolution: 'KEEP_LOCAL' | 'TAKE_REMOTE' } }>(
  `mutation DashboardResolveConflict($input: ResolveSyncConflictInput!) { resolveSyncConflict(input: $input) { conflict { id resolution resolvedAt } ${ERRORS} } }`,
);
export const CONFLICT_EVENTS = gql<{ syncRunUpdated: { id: string; status: string } }>(`subscription DashboardConflictRuns { syncRunUpdated { id status } }`);

// csv-export-button.tsx (products and orders as CSV, with the list's filters)
const EXPORT_TASK_FIELDS = 'task { id status percent result error } errors { code message field }';
export const EXPORT_PRODUCTS = gql<{ exportProducts: { task: ExportTask | null; errors: PayloadError[] } }, { filter: ProductFilter }>(`mutation DashboardExportProducts($filter: ProductFilter) { exportProducts(input: { filter: $filter }) { ${EXPORT_TASK_FIELDS} } }`);
export const EXPORT_ORDERS = gql<{ exportOrders: { task: ExportTask | null; errors: PayloadError[] } }, { filter: OrderFilter }>(`mutation DashboardExportOrders($filter: OrderFilter) { exportOrders(input: { filter: $filter }) { ${EXPORT_TASK_FIELDS} } }`);
export const EXPORT_TASK = gql<{ task: ExportTask | null }, { id: string }>(`query DashboardExportTask($id: ID!) { task(id: $id) { id status percent result error } }`);
// ---- dashB: accounts, schedules, webhooks and tokens, files, history ----

// accounts-page.tsx, accounts-form.tsx
const ACCOUNT_DETAIL_FIELDS = 'id name channel fulfillment baseUrl enabled conflictStrategy rateLimits effectiveRateLimits { endpointClass limit periodMs overridden } hasCredentials lastTestedAt lastTestOk';
type AccountPayload = { account: AccountDetail | null; errors: PayloadError[] };
export const CHANNELS = gql<{ channels: ChannelInfo[] }>(`query DashboardChannels { channels { channel description defaultBaseUrl defaultConflictStrategy defaultConflictStrategyReason credentialFields { name type required description } } }`);
export const ACCOUNT_DETAILS = gql<{ accounts: Connection<AccountDetail> }, { after: string | null }>(`query DashboardAccountDetails($after: String) { accounts(first: ${PAGE_MAX}, after: $after) { ${PAGE_INFO} edges { node { ${ACCOUNT_DETAIL_FIELDS} } } } }`);
export const CREATE_ACCOUNT = gql<{ createAccount: AccountPayload }, { input: Record<string, unknown> }>(`mutation DashboardCreateAccount($input: CreateAccountInput!) { createAccount(input: $input) { account { ${ACCOUNT_DETAIL_FIELDS} } ${ERRORS} } }`);
export const UPDATE_ACCOUNT = gql<{ updateAccount: AccountPayload }, { input: Record<string, unknown> }>(`mutation DashboardUpdateAccount($input: UpdateAccountInput!) { updateAccount(input: $input) { account { ${ACCOUNT_DETAIL_FIELDS} } ${ERRORS} } }`);
export const TEST_ACCOUNT = gql<{ testAccountConnection: ConnectionTest }, { id: string }>(`mutation DashboardTestAccount($id: ID!) { testAccountConnection(input: { id: $id }) { ok kind message account { ${ACCOUNT_DETAIL_FIELDS} } ${ERRORS} } }`);

// schedules-page.tsx, schedules-form.tsx
const SCHEDULE_DETAIL_FIELDS = 'id key kind isDefault account { id name } cron intervalSeconds timeZone mode scope enabled nextFireAt lastFiredAt lastError lastRun { id status }';
type SchedulePayload = { schedule: ScheduleDetail | null; errors: PayloadError[] };
type SchedulerPayload = { status: SchedulerStatus | null; errors: PayloadError[] };
export const SCHEDULE_DETAILS = gql<{ schedules: Connection<ScheduleDetail> }, { after: string | null }>(`query DashboardScheduleDetails($after: String) { schedules(first: ${PAGE_MAX}, after: $after) { ${PAGE_INFO} edges { node { ${SCHEDULE_DETAIL_FIELDS} } } } }`);
export const SCHEDULER_STATUS = gql<{ schedulerStatus: SchedulerStatus }>(`query DashboardSchedulerStatus { schedulerStatus { paused pausedAt pausedBy } }`);
export const PAUSE_SCHEDULER = gql<{ pauseScheduler: SchedulerPayload }>(`mutation DashboardPauseScheduler { pauseScheduler { status { paused pausedAt pausedBy } ${ERRORS} } }`);
export const RESUME_SCHEDULER = gql<{ resumeScheduler: SchedulerPayload }>(`mutation DashboardResumeScheduler { resumeScheduler { status { paused pausedAt pausedBy } ${ERRORS} } }`);
export const CREATE_SCHEDULE = gql<{ createSchedule: SchedulePayload }, { input: Record<string, unknown> }>(`mutation DashboardCreateSchedule($input: CreateScheduleInput!) { createSchedule(input: $input) { schedule { ${SCHEDULE_DETAIL_FIELDS} } ${ERRORS} } }`);
export const UPDATE_SCHEDULE = gql<{ updateSchedule: SchedulePayload }, { input: Record<string, unknown> }>(`mutation DashboardUpdateSchedule($input: UpdateScheduleInput!) { updateSchedule(input: $input) { schedule { ${SCHEDULE_DETAIL_FIELDS} } ${ERRORS} } }`);
export const DELETE_SCHEDULE = gql<{ deleteSchedule: SchedulePayload }, { id: string }>(`mutation DashboardDeleteSchedule($id: ID!) { deleteSchedule(input: { id: $id }) { schedule { id key } ${ERRORS} } }`);

// webhooks-page.tsx, webhooks-form.tsx, webhooks-deliveries.tsx (WEBHOOKS, DELIVERIES and ATTEMPTS above)
type WebhookPayload = { webhook: WebhookRow | null; errors: PayloadError[] };
type WebhookSecretPayload = WebhookPayload & { secret: string | null; standardWebhooksSecret: string | null };
export const EVENT_TYPES = gql<{ eventTypes: { name: string; description: string; webhookEnabled: boolean }[] }>(`query DashboardEventTypes { eventTypes { name description webhookEnabled } }`);
export const CREATE_WEBHOOK = gql<{ createWebhook: WebhookSecretPayload }, { input: Record<string, unknown> }>(`mutation DashboardCreateWebhook($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { ${WEBHOOK_FIELDS} } secret standardWebhooksSecret ${ERRORS} } }`);
export const UPDATE_WEBHOOK = gql<{ updateWebhook: WebhookPayload }, { input: Record<string, unknown> }>(`mutation DashboardUpdateWebhook($input: UpdateWebhookInput!) { updateWebhook(input: $input) { webhook { ${WEBHOOK_FIELDS} } ${ERRORS} } }`);
export const ROTATE_WEBHOOK_SECRET = gql<{ rotateWebhookSecret: WebhookSecretPayload }, { id: string }>(`mutation DashboardRotateWebhookSecret($id: ID!) { rotateWebhookSecret(input: { id: $id }) { webhook { ${WEBHOOK_FIELDS} } secret standardWebhooksSecret ${ERRORS} } }`);
export const DELETE_WEBHOOK = gql<{ deleteWebhook: WebhookPayload }, { id: string }>(`mutation DashboardDeleteWebhook($id: ID!) { deleteWebhook(input: { id: $id }) { webhook { id } ${ERRORS} } }`);
export const REDELIVER_WEBHOOK = gql<{ redeliverWebhookDelivery: { delivery: { id: string } | null; errors: PayloadError[] } }, { id: string }>(`mutation DashboardRedeliverWebhook($id: ID!) { redeliverWebhookDelivery(input: { id: $id }) { delivery { id } ${ERRORS} } }`);

// tokens-page.tsx
const TOKEN_FIELDS = 'id name role prefix createdAt lastUsedAt expiresAt revokedAt';
export const API_TOKENS = gql<{ apiTokens: { edges: { node: ApiTokenRow }[] } }, { includeRevoked: boolean }>(`query DashboardApiTokens($includeRevoked: Boolean) { apiTokens(first: 100, includeRevoked: $includeRevoked) { edges { node { ${TOKEN_FIELDS} } } } }`);
export const CREATE_API_TOKEN = gql<{ createApiToken: { apiToken: ApiTokenRow | null; token: string | null; errors: PayloadError[] } }, { input: { name: string; role: string; expiresAt?: string } }>(`mutation DashboardCreateApiToken($input: CreateApiTokenInput!) { createApiToken(input: $input) { apiToken { ${TOKEN_FIELDS} } token ${ERRORS} } }`);
export const REVOKE_API_TOKEN = gql<{ revokeApiToken: { apiToken: ApiTokenRow | null; errors: PayloadError[] } }, { id: string }>(`mutation DashboardRevokeApiToken($id: ID!) { revokeApiToken(input: { id: $id }) { apiToken { ${TOKEN_FIELDS} } ${ERRORS} } }`);

// files-page.tsx, files-tasks.tsx
const TASK_DETAIL_FIELDS = 'id kind status percent result error createdAt files { id filename size downloadUrl }';
type TaskPayload = { task: { id: string } | null; errors: PayloadError[] };
/** How many of the newest tasks the files page lists. */
export const TASKS_SHOWN = 20;
export const RECENT_TASKS = gql<{ tasks: Connection<TaskDetail> }, { first: number }>(`query DashboardTasks($first: Int!) { tasks(first: $first) { edges { node { ${TASK_DETAIL_FIELDS} } } } }`);
export const TASK_PROGRESS = gql<{ taskProgress: { taskId: string; kind: string; status: TaskDetail['status']; percent: number; error: string | null } }, { taskId: string }>(`subscription DashboardTaskProgress($taskId: ID!) { taskProgress(taskId: $taskId) { taskId kind status percent error } }`);
export const EXPORT_BATCHES = gql<{ exportBatches: TaskPayload }, { input: { format: string; filter: Record<string, unknown> } }>(`mutation DashboardExportBatches($input: ExportBatchesInput!) { exportBatches(input: $input) { task { id } ${ERRORS} } }`);
export const IMPORT_BATCHES = gql<{ importBatches: TaskPayload }, { input: { file: File; updateExisting: boolean; atomic: boolean } }>(`mutation DashboardImportBatches($input: ImportBatchesInput!) { importBatches(input: $input) { task { id } ${ERRORS} } }`);
export const GENERATE_BATCH_REPORT = gql<{ generateBatchReport: TaskPayload }, { input: { batchId: string; format: string; email?: string } }>(`mutation DashboardGenerateBatchReport($input: GenerateBatchReportInput!) { generateBatchReport(input: $input) { task { id } ${ERRORS} } }`);
export const REPORT_BATCHES = gql<{ batches: { edges: { node: { id: string; batchNumber: number; batchDate: string; nomenclature: string } }[] } }>(`query DashboardReportBatches { batches(first: 50) { edges { node { id batchNumber batchDate nomenclature } } } }`);

// history-page.tsx
export const HISTORY_REPORT = gql<
  { syncReport: { total: number; successful: number; partial: number; failed: number; cancelled: number; inProgress: number; itemsSynced: number; daily: ReportDay[] } },
  { days: number }
>(`query DashboardHistoryReport($days: Int) { syncReport(days: $days) { total successful partial failed cancelled inProgress itemsSynced daily { date total successful failed partial cancelled inProgress itemsSynced accounts { account { id name } runs itemsSynced } } } }`);
export const HISTORY_RUNS = gql<
  { syncRuns: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: RunSummary }[] } },
  { filter: { accountId?: string; status?: string[] }; first: number; after: string | null }
>(`query DashboardHistoryRuns($filter: SyncRunFilter, $first: Int, $after: String) { syncRuns(filter: $filter, first: $first, after: $after) { totalCount ${PAGE_INFO} edges { node { ${RUN_FIELDS} } } } }`);
