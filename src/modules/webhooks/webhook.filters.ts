/**
 * Which deliveries: the one filter `webhookDeliveries` lists with and `replayWebhookDeliveries`
 * replays with, so a replay sends exactly what the same filter lists.
 */
import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import { isEventType } from '../../events/event-types.js';
import { orderedEnds } from '../../shared/date-range.js';

export const deliveryStatuses = ['PENDING', 'SUCCESS', 'FAILED', 'DEAD'] as const;

/** The filter's fields and their own rules. */
const deliveryFilterFields = z.object({
  webhookId: z.uuid('webhookId must be a valid id').nullish(),
  status: z.enum(deliveryStatuses).nullish(),
  eventTypes: z
    .array(z.string().refine(isEventType, { error: (issue) => `unknown event type "${String(issue.input)}"; see the eventTypes query` }))
    .max(100, 'at most 100 event types')
    .nullish(),
  since: z.coerce.date().nullish(),
  until: z.coerce.date().nullish(),
});

/** The filter's rules: its fields', and until not before since. */
export const deliveryFilterRules = deliveryFilterFields.superRefine(orderedEnds('since', 'until'));

/**
 * The same as the `webhookDeliveries` query checks them, before it resolves: a webhookId that is
 * no UUID is not refused there but matches nothing (as webhook(id) answers null).
 */
export const deliveryQueryFilterRules = deliveryFilterFields.omit({ webhookId: true }).loose().superRefine(orderedEnds('since', 'until'));

/** A parsed filter (event types as plain names: stored task inputs come back as strings). */
export type DeliveryFilter = Omit<z.output<typeof deliveryFilterRules>, 'eventTypes'> & { eventTypes?: string[] | null };

/** The Prisma condition of a parsed filter (created at or after `since`, before `until`). */
export function deliveryWhere(filter: DeliveryFilter | null | undefined): Prisma.WebhookDeliveryWhereInput {
  const where: Prisma.WebhookDeliveryWhereInput = {};
  if (!filter) return where;
  if (filter.webhookId) where.subscriptionId = filter.webhookId;
  if (filter.status) where.status = filter.status;
  if (filter.eventTypes?.length) where.eventType = { in: filter.eventTypes };
  if (filter.since || filter.until) where.createdAt = { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) };
  return where;
}
