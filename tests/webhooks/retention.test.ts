/**
 * Retention: delivered (and receiver-stopped) deliveries go after WEBHOOK_DELIVERED_RETENTION_DAYS
 * with their attempt log, dead letters once replayed (on the same clock) or after
 * WEBHOOK_DEAD_LETTER_RETENTION_DAYS; pending deliveries are never deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { retainWebhookDeliveries } from '../../src/modules/webhooks/webhook.retention.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({}, { webhookWorker: { pollMs: 60_000 } });
});
afterAll(async () => {
  await t?.close();
});

describe('webhook delivery retention', () => {
  it('deletes old delivered bodies and expired or replayed dead letters, keeps the rest', async () => {
    const prisma = t.app.services.prisma;
    const hook = await prisma.webhookSubscription.create({ data: { url: 'http://127.0.0.1:9/x', events: [], secretEncrypted: 'x', active: false } });
    const now = new Date('2026-12-06T12:00:00Z');
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    const rows: [string, 'SUCCESS' | 'FAILED' | 'DEAD' | 'PENDING', number, number | null][] = [
      ['old-success', 'SUCCESS', 31, null],
      ['new-success', 'SUCCESS', 29, null],
      ['old-failed', 'FAILED', 31, null],
      ['dead-kept', 'DEAD', 60, null],
      ['dead-expired', 'DEAD', 91, null],
      ['dead-replayed-long-ago', 'DEAD', 60, 31],
      ['dead-replayed-lately', 'DEAD', 60, 1],
      ['old-pending', 'PENDING', 400, null],
    ];
    for (const [eventId, status, age, replayed] of rows) {
      const d = await prisma.webhookDelivery.create({
        data: { subscriptionId: hook.id, eventId, eventType: 'batch.created', body: '{}', status, createdAt: daysAgo(age), replayedAt: replayed === null ? null : daysAgo(replayed) },
      });
      await prisma.webhookAttempt.create({ data: { deliveryId: d.id, attempt: 1, startedAt: daysAgo(age), durationMs: 1, success: status === 'SUCCESS' } });
    }
    const removed = await retainWebhookDeliveries(t.app.services, now, { deliveredDays: 30, deadLetterDays: 90, batchSize: 2 });
    expect(removed).toBe(4);
    const left = (await prisma.webhookDelivery.findMany({ select: { eventId: true } })).map((d) => d.eventId).sort();
    expect(left).toEqual(['dead-kept', 'dead-replayed-lately', 'new-success', 'old-pending']);
    expect(await prisma.webhookAttempt.count()).toBe(4);
  });
});
