// The schema index: it only imports the modules, each of which adds its own types and fields.
import { builder } from './builder.js';
import { addDerivedDescriptions } from './derived-descriptions.js';
import './scalars.js';
import './common.schema.js';
import '../modules/access/token.schema.js';
import '../modules/production/work-center.schema.js';
import '../modules/production/batch.schema.js';
import '../modules/production/unit.schema.js';
import '../modules/accounts/account.schema.js';
import '../events/event.schema.js';
import '../modules/catalog/product.schema.js';
import '../modules/catalog/listing.schema.js';
import '../modules/catalog/listing-push.schema.js';
import '../modules/catalog/product-trends.schema.js';
import '../modules/orders/order.schema.js';
import '../modules/orders/order-stats.schema.js';
import '../modules/catalog/change-record.schema.js';
import '../modules/catalog/catalog-edit.schema.js';
import '../modules/orders/order-edit.schema.js';
import '../modules/sync/sync-run.schema.js';
import '../modules/sync/sync-log.schema.js';
import '../modules/sync/sync-conflict.schema.js';
import '../modules/tasks/task.schema.js';
import '../modules/production/batch-transfer.schema.js';
import '../modules/catalog/catalog-export.schema.js';
import '../scheduler/schedule.schema.js';
import '../modules/monitoring/alert.schema.js';
import '../modules/monitoring/health.schema.js';
import '../modules/monitoring/report.schema.js';
import '../modules/monitoring/channel-stats.schema.js';
import '../modules/webhooks/webhook.schema.js';
import '../modules/analytics/dashboard.schema.js';
import '../modules/reports/report.schema.js';
import '../modules/inventory/stock.schema.js';
import '../modules/inventory/inventory-edit.schema.js';

builder.queryType({ description: 'Reads. Every field needs a token (`Authorization: Bearer <token>`); each says the lowest role it needs.' });
builder.mutationType({
  description: 'Changes. Each returns a payload whose `errors` lists expected refusals (then nothing changed); each says the lowest role it needs and the codes it can return.',
});
builder.subscriptionType({ description: 'Live streams over graphql-ws (WebSocket) or server-sent events, authenticated like queries.' });

export const schema = addDerivedDescriptions(builder.toSchema({ sortSchema: true }));
