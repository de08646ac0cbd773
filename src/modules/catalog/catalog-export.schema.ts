import { builder } from '../../graphql/builder.js';
import { runMutation } from '../../graphql/payload.js';
import { OrderFilter } from '../orders/order.schema.js';
import { startExportOrders } from '../orders/order-export.js';
import { TaskPayload } from '../tasks/task.schema.js';
import { ProductFilter } from './product.schema.js';
import { startExportProducts } from './product-export.js';

const ExportProductsInput = builder.inputType('ExportProductsInput', {
  description: 'Which products to export (as CSV).',
  fields: (t) => ({ filter: t.field({ type: ProductFilter, required: false, description: 'The `products` filters; default every product.' }) }),
});

const ExportOrdersInput = builder.inputType('ExportOrdersInput', {
  description: 'Which orders to export (as CSV).',
  fields: (t) => ({ filter: t.field({ type: OrderFilter, required: false, description: 'The `orders` filters; default every order.' }) }),
});

const RESULT = 'Its result: { fileId, url, filename, format: "CSV", rows }; download `url` with your token. Follow it with taskProgress(taskId).';

builder.mutationFields((t) => ({
  exportProducts: t.field({
    type: TaskPayload,
    authScopes: { operator: true },
    description: `Starts a CSV export of the products matching \`filter\`, one row per listing (with a channel or account filter, only the listings there), by SKU; returns the task at once. ${RESULT}`,
    args: { input: t.arg({ type: ExportProductsInput, description: 'The filter.' }) },
    resolve: (_r, { input }, ctx) => runMutation('task', () => startExportProducts(ctx, ctx.actor!, input.filter)),
  }),
  exportOrders: t.field({
    type: TaskPayload,
    authScopes: { operator: true },
    description: `Starts a CSV export of the orders matching \`filter\`, newest first, one row per order; returns the task at once. ${RESULT}`,
    args: { input: t.arg({ type: ExportOrdersInput, description: 'The filter.' }) },
    resolve: (_r, { input }, ctx) => runMutation('task', () => startExportOrders(ctx, ctx.actor!, input.filter)),
  }),
}));
