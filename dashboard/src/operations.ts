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

/** Who a token is: the sign-in check (auth.ts), sent by plain fetch before the urql client exists. */
export const VIEWER = 'query DashboardViewer { viewer { name role } }';

/** Largest page the API serves, and the page info every paged query asks for. */
export const PAGE_MAX = 100;
export const PAGE_INFO = 'pageInfo { hasNextPage endCursor }';
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
export const TRIGGER_SYNC = gql<{ triggerSync: { runs: RunSummary[]; errors: PayloadError[] } }, { input: { accountIds: string[]; mode: string } }>(`mutation DashboardTriggerSync($input: TriggerSyncInput!) { triggerSync(input: $input) { runs { ${RUN_FIELDS} } errors { code message field } } }`);
export const CANCEL_RUN = gql<{ cancelSyncRun: { run: RunSummary | null; errors: PayloadError[] } }, { id: string }>(`mutation DashboardCancelRun($id: ID!) { cancelSyncRun(input: { id: $id }) { run { ${RUN_FIELDS} } errors { code message field } } }`);

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
export const CLOSE = gql<{ closeBatch: BatchPayload }, { id: string }>(`mutation DashboardCloseBatch($id: ID!) { closeBatch(input: { id: $id }) { batch { ${BATCH_FIELDS} } errors { code message field } } }`);
export const REOPEN = gql<{ reopenBatch: BatchPayload }, { id: string }>(`mutation DashboardReopenBatch($id: ID!) { reopenBatch(input: { id: $id }) { batch { ${BATCH_FIELDS} } errors { code message field } } }`);
export const AGGREGATE = gql<{ aggregateBatch: BatchPayload & { aggregatedCount: number | null } }, { id: string }>(`mutation DashboardAggregateBatch($id: ID!) { aggregateBatch(input: { batchId: $id }) { aggregatedCount batch { ${BATCH_FIELDS} } errors { code message field } } }`);
export const BATCH_EVENTS = gql<{ domainEvents: { id: string } }, { types: string[] }>(`subscription DashboardBatchEvents($types: [String!]) { domainEvents(types: $types) { id } }`);

// runs-panel.tsx
export const RECENT_RUNS = gql<{ syncRuns: { edges: { node: RunSummary }[] } }>(`query DashboardRecentRuns { syncRuns(first: ${RECENT_RUNS_SHOWN}) { edges { node { ${RUN_FIELDS} } } } }`);

// webhooks-page.tsx
export const WEBHOOKS = gql<{ webhooks: { edges: { node: WebhookRow }[] } }>(`query DashboardWebhooks { webhooks(first: 100) { edges { node { id url events active retryCount timeoutMs description } } } }`);
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
const LISTING_FIELDS = `id sku externalId channel account { id name } price currency stock status remoteStatus stockByWarehouse { warehouseId stock } lastSeenAt rejectionReasons ${PUSH_FIELDS}`;
const PRODUCT_ROW_FIELDS = `id sku name hidden totalStock listings { ${LISTING_FIELDS} }`;
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
  `mutation DashboardUpdatePrice($input: UpdateListingPriceInput!) { updateListingPrice(input: $input) { listing { ${LISTING_FIELDS} } errors { code message field } } }`,
);
export const UPDATE_STOCK = gql<{ updateListingStock: { listing: ListingRow | null; errors: PayloadError[] } }, { input: { listingId: string; stock: number } }>(
  `mutation DashboardUpdateStock($input: UpdateListingStockInput!) { updateListingStock(input: $input) { listing { ${LISTING_FIELDS} } errors { code message field } } }`,
);
export const SET_HIDDEN = gql<{ setProductHidden: { product: { id: string; hidden: boolean } | null; errors: PayloadError[] } }, { input: { productId: string; hidden: boolean } }>(
  `mutation DashboardSetHidden($input: SetProductHiddenInput!) { setProductHidden(input: $input) { product { id hidden } errors { code message field } } }`,
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
  `mutation DashboardUpdateOrderStatus($input: UpdateOrderStatusInput!) { updateOrderStatus(input: $input) { order { id status statusEditedAt } errors { code message field } } }`,
);
export const ORDER_EVENTS = gql<{ domainEvents: { id: string } }, { types: string[] }>(`subscription DashboardOrderEvents($types: [String!]) { domainEvents(types: $types) { id } }`);

export const CONFLICTS = gql<{ syncConflicts: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: ConflictRow }[] } }, { filter: ConflictFilter; first: number; after: string | null }>(
  `query DashboardConflicts($filter: SyncConflictFilter, $first: Int, $after: String) { syncConflicts(filter: $filter, first: $first, after: $after) { totalCount ${PAGE_INFO} edges { node { ${CONFLICT_FIELDS} } } } }`,
);
export const RESOLVE_CONFLICT = gql<{ resolveSyncConflict: { conflict: { id: string; resolution: string | null } | null; errors: PayloadError[] } }, { input: { id: string; resolution: 'KEEP_LOCAL' | 'TAKE_REMOTE' } }>(
  `mutation DashboardResolveConflict($input: ResolveSyncConflictInput!) { resolveSyncConflict(input: $input) { conflict { id resolution resolvedAt } errors { code message field } } }`,
);
export const CONFLICT_EVENTS = gql<{ syncRunUpdated: { id: string; status: string } }>(`subscription DashboardConflictRuns { syncRunUpdated { id status } }`);

// csv-export-button.tsx (products and orders as CSV, with the list's filters)
const EXPORT_TASK_FIELDS = 'task { id status percent result error } errors { code message field }';
export const EXPORT_PRODUCTS = gql<{ exportProducts: { task: ExportTask | null; errors: PayloadError[] } }, { filter: ProductFilter }>(`mutation DashboardExportProducts($filter: ProductFilter) { exportProducts(input: { filter: $filter }) { ${EXPORT_TASK_FIELDS} } }`);
export const EXPORT_ORDERS = gql<{ exportOrders: { task: ExportTask | null; errors: PayloadError[] } }, { filter: OrderFilter }>(`mutation DashboardExportOrders($filter: OrderFilter) { exportOrders(input: { filter: $filter }) { ${EXPORT_TASK_FIELDS} } }`);
export const EXPORT_TASK = gql<{ task: ExportTask | null }, { id: string }>(`query DashboardExportTask($id: ID!) { task(id: $id) { id status percent result error } }`);
