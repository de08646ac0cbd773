/**
 * Bulk replay of webhook deliveries (replayWebhookDeliveries): a background task that sends every
 * delivery matching a filter again, as new deliveries (new ids, so receivers deduping on webhook-id
 * accept them) with the original bodies, ordering keys and sequences.
 *
 * Each delivery is replayed once: a page marks its originals `replayedAt` and inserts their copies
 * in one transaction, so a task retried after a crash, or a second task on the same filter, never
 * sends one twice (`redeliverWebhookDelivery` sends any delivery again). The same request while a
 * task on it is queued or running returns that task.
 */
import { z } from 'zod';
import type { Actor, AppServices } from '../../core/services.js';
import type { TaskKind } from '../tasks/task-kinds.js';
import { createTask } from '../tasks/task.service.js';
import { deliveryFilterRules, deliveryStatuses, deliveryWhere, type DeliveryFilter } from './webhook.filters.js';
import { webhookError, webhookNotFound } from './webhook.errors.js';

export const REPLAY_KIND = 'replayWebhookDeliveries';

/** Deliveries replayed per transaction. */
const PAGE = 500;
/** New delivery ids listed in the task result at most (`replayed` counts them all). */
const MAX_LISTED_IDS = 10_000;

const replayInput = z.object({ webhookId: z.uuid('webhookId must be a valid id'), filter: deliveryFilterRules.nullish() });

/** What the task stores: the filter with its dates as ISO strings, so equal requests are equal JSON. */
const storedInput = z.object({
  webhookId: z.uuid(),
  filter: z.object({ status: z.enum(deliveryStatuses), eventTypes: z.array(z.string()).nullable(), since: z.string().nullable(), until: z.string().nullable() }),
});
type StoredInput = z.output<typeof storedInput>;

export interface ReplayResult {
  replayed: number;
  deliveryIds: string[];
}

/** Queues the replay of every delivery of the webhook that matches `filter` (status defaults to DEAD). */
export async function replayWebhookDeliveries(services: AppServices, actor: Actor, raw: z.input<typeof replayInput>) {
  const parsed = replayInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw webhookError('VALIDATION', issue.message, ['input', ...issue.path.map(String)]);
  }
  const { webhookId, filter } = parsed.data;
  if (!(await services.prisma.webhookSubscription.findUnique({ where: { id: webhookId }, select: { id: true } }))) throw webhookNotFound(webhookId);
  const input: StoredInput = {
    webhookId,
    filter: {
      status: filter?.status ?? 'DEAD',
      eventTypes: filter?.eventTypes?.length ? [...new Set(filter.eventTypes)].sort() : null,
      since: filter?.since?.toISOString() ?? null,
      until: filter?.until?.toISOString() ?? null,
    },
  };
  return createTask(services, actor, { kind: REPLAY_KIND, input, singleton: true });
}

const filterOf = (input: StoredInput): DeliveryFilter => ({
  webhookId: input.webhookId,
  status: input.filter.status,
  eventTypes: input.filter.eventTypes,
  since: input.filter.since ? new Date(input.filter.since) : null,
  until: input.filter.until ? new Date(input.filter.until) : null,
});

export const replayWebhookDeliveriesTask: TaskKind<StoredInput, ReplayResult> = {
  description: 'Replays the webhook deliveries matching a filter as new deliveries',
  input: storedInput,
  async run(ctx) {
    const { prisma } = ctx.services;
    const where = { ...deliveryWhere(filterOf(ctx.input)), replayedAt: null };
    let done = (ctx.checkpoint as ReplayResult | null) ?? { replayed: 0, deliveryIds: [] };
    const total = done.replayed + (await prisma.webhookDelivery.count({ where }));
    await ctx.progress(done.replayed, total);
    for (;;) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const page = await prisma.$transaction(async (tx) => {
        const picked = await tx.webhookDelivery.findMany({ where, select: { id: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: PAGE });
        if (picked.length === 0) return { picked, next: done };
        // Marked under the row lock: a delivery another replay marked meanwhile drops out here.
        const ids = picked.map((p) => p.id);
        const created = await tx.$queryRaw<{ id: string }[]>`
          WITH marked AS (
            UPDATE "WebhookDelivery" SET "replayedAt" = now()
             WHERE id = ANY (${ids}::uuid[]) AND "replayedAt" IS NULL
            RETURNING *)
          INSERT INTO "WebhookDelivery" (id, "subscriptionId", "eventId", "eventType", body, status, attempts, "nextAttemptAt", "createdAt", "orderingKey", sequence, "replayOf")
          SELECT gen_random_uuid(), m."subscriptionId", m."eventId", m."eventType", m.body, 'PENDING', 0, now(), clock_timestamp(), m."orderingKey", m.sequence, m.id
            FROM (SELECT * FROM marked ORDER BY "createdAt", id) m
          RETURNING id::text AS id`;
        const next = { replayed: done.replayed + created.length, deliveryIds: [...done.deliveryIds, ...created.map((c) => c.id)].slice(0, MAX_LISTED_IDS) };
        await ctx.saveCheckpoint(next, tx);
        return { picked, next };
      });
      done = page.next;
      if (page.picked.length === 0) break;
      ctx.services.wake?.('webhooks');
      await ctx.progress(done.replayed, Math.max(total, done.replayed));
      if (page.picked.length < PAGE) break;
    }
    ctx.logger.info({ webhookId: ctx.input.webhookId, replayed: done.replayed }, 'webhook deliveries replayed');
    return done;
  },
};
