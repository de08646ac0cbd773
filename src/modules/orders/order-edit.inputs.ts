import { z } from 'zod';

export const orderStatuses = ['NEW', 'PROCESSING', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURNED'] as const;

export const orderStatusUpdate = z.object({
  orderId: z.uuid('must be a valid id'),
  status: z.enum(orderStatuses, { error: `status must be one of ${orderStatuses.join(', ')}` }),
});
