/**
 * Retention of the delivery log, run with the scheduler's TASK_RETENTION firing (src/registry.ts):
 * delivered (SUCCESS) and receiver-stopped (FAILED) deliveries are deleted, with their attempt log,
 * `deliveredDays` after they were recorded; a dead letter is kept until it is replayed (then it
 * goes `deliveredDays` after the replay) or until `deadLetterDays` have passed. Pending
 * deliveries are never deleted. Deletes go in short batches (deleteInBatches).
 */
import type { AppServices } from '../../core/services.js';
import { DEFAULT_RETENTION_BATCH, deleteInBatches } from '../sync/sync.retention.js';

export const DEFAULT_DELIVERED_DAYS = 30;
export const DEFAULT_DEAD_LETTER_DAYS = 90;

export interface DeliveryRetention {
  deliveredDays: number;
  deadLetterDays: number;
  batchSize?: number;
}

const DAY_MS = 86_400_000;

/** Deletes what the retention allows; returns how many deliveries went. */
export async function retainWebhookDeliveries(services: AppServices, now: Date, retention: DeliveryRetention): Promise<number> {
  const batch = retention.batchSize ?? DEFAULT_RETENTION_BATCH;
  const delivered = new Date(now.getTime() - retention.deliveredDays * DAY_MS);
  const dead = new Date(now.getTime() - retention.deadLetterDays * DAY_MS);
  const pick = (condition: string) => `SELECT id FROM "WebhookDelivery" WHERE ${condition} LIMIT $2`;
  const removed =
    (await deleteInBatches(services, 'WebhookDelivery', pick(`status IN ('SUCCESS', 'FAILED') AND "createdAt" < $1::timestamptz`), delivered, batch)) +
    (await deleteInBatches(services, 'WebhookDelivery', pick(`status = 'DEAD' AND "replayedAt" < $1::timestamptz`), delivered, batch)) +
    (await deleteInBatches(services, 'WebhookDelivery', pick(`status = 'DEAD' AND "replayedAt" IS NULL AND "createdAt" < $1::timestamptz`), dead, batch));
  if (removed > 0) services.logger.info({ removed, deliveredBefore: delivered, deadBefore: dead }, `webhook retention: removed ${removed} delivery(ies)`);
  return removed;
}

/** The retention of a running service (WEBHOOK_DELIVERED_RETENTION_DAYS, WEBHOOK_DEAD_LETTER_RETENTION_DAYS). */
export const retentionOf = (services: AppServices): DeliveryRetention => ({
  deliveredDays: services.webhookSettings?.deliveredRetentionDays ?? DEFAULT_DELIVERED_DAYS,
  deadLetterDays: services.webhookSettings?.deadLetterRetentionDays ?? DEFAULT_DEAD_LETTER_DAYS,
});
