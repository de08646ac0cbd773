import type { AccessErrorCode } from '../modules/access/token.errors.js';
import type { AccountErrorCode } from '../modules/accounts/account.errors.js';
import type { CatalogErrorCode, CatalogQueryErrorCode } from '../modules/catalog/catalog.errors.js';
import type { InventoryErrorCode } from '../modules/inventory/inventory.errors.js';
import type { MonitoringErrorCode } from '../modules/monitoring/monitoring.errors.js';
import type { OrderErrorCode } from '../modules/orders/order-edit.errors.js';
import type { OrderStatsErrorCode } from '../modules/orders/order-stats.errors.js';
import type { ProductionErrorCode } from '../modules/production/production.errors.js';
import type { ScheduleErrorCode } from '../scheduler/schedule.errors.js';
import type { SyncErrorCode } from '../modules/sync/sync.errors.js';
import type { TaskErrorCode } from '../modules/tasks/task.errors.js';
import type { WebhookErrorCode } from '../modules/webhooks/webhook.errors.js';

/**
 * Every code a DomainError may carry: the union of the codes each domain declares in its
 * *.errors.ts, so a misspelt code fails to compile instead of reaching a client as an unknown
 * enum value (a masked INTERNAL error). A domain with new codes declares them there and adds its
 * type here.
 */
export type ErrorCode =
  | AccessErrorCode
  | AccountErrorCode
  | CatalogErrorCode
  | CatalogQueryErrorCode
  | InventoryErrorCode
  | MonitoringErrorCode
  | OrderErrorCode
  | OrderStatsErrorCode
  | ProductionErrorCode
  | ScheduleErrorCode
  | SyncErrorCode
  | TaskErrorCode
  | WebhookErrorCode;
