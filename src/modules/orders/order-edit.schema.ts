import { builder } from '../../graphql/builder.js';
import { defineErrorType, runMutation } from '../../graphql/payload.js';
import { orderErrorMeanings } from './order-edit.errors.js';
import { updateOrderStatus } from './order-edit.service.js';
import { Order, OrderStatus } from './order.schema.js';

export const OrderError = defineErrorType('OrderError', orderErrorMeanings, 'Why an order edit was refused; nothing was changed.');

const OrderPayload = builder.simpleObject('OrderPayload', {
  description: 'The outcome of an order edit: the order, or why it was refused.',
  fields: (t) => ({
    order: t.field({ type: Order, nullable: true, description: 'The order after the edit; null when refused.' }),
    errors: t.field({ type: [OrderError] }),
  }),
});

const UpdateOrderStatusInput = builder.inputType('UpdateOrderStatusInput', {
  description: 'An order and its new status.',
  fields: (t) => ({ orderId: t.id({ description: 'The order id.' }), status: t.field({ type: OrderStatus, description: 'The status Stockline is to hold.' }) }),
});

builder.mutationFields((t) => ({
  updateOrderStatus: t.field({
    type: OrderPayload,
    authScopes: { operator: true },
    description:
      'Sets the status Stockline holds for an order and records it in the order\'s `changes`. Not sent to the marketplace: no marketplace API here ' +
      'accepts a status change, so change it there too. `statusEditedAt` stays set while the status differs from the marketplace\'s (cleared when set ' +
      'back to `remoteOrderStatus`); later syncs keep or replace it per the account\'s conflict strategy. Setting the current status changes nothing.',
    args: { input: t.arg({ type: UpdateOrderStatusInput, description: 'The order and its status.' }) },
    resolve: (_r, { input }, ctx) => runMutation('order', () => updateOrderStatus(ctx, ctx.actor!, { orderId: String(input.orderId), status: input.status })),
  }),
}));
