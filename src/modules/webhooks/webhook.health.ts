/**
 * Endpoint health: a webhook whose attempts have all failed for `disableAfterMs` (default 5 days,
 * as Svix does), or whose endpoint answered 410 Gone, is disabled. Disabling raises a
 * WEBHOOK_DISABLED alert (alert.raised, alertRaised) and emits webhook.disabled in the same
 * transaction, then mails the webhook's contact when SMTP is configured. Any success ends the run
 * of failures (failingSince back to null, written with the attempt: webhook.attempts.ts). Its deliveries wait, as for any inactive webhook.
 */
import type { AppServices } from '../../core/services.js';
import { transact } from '../../db/transaction.js';
import { insertAlert, resolveAlert } from '../monitoring/alerts.service.js';
import { webhookChanged } from './webhook.changes.js';

export const DEFAULT_DISABLE_AFTER_MS = 5 * 24 * 3_600_000;

export const disabledAlertKey = (webhookId: string) => `WEBHOOK_DISABLED:${webhookId}`;

export function endpointHealth(services: AppServices, options: { disableAfterMs: number }) {
  return {
    /** A failed attempt (not a throttle, not an abort); `goneReason` when the endpoint answered 410. */
    async failed(webhookId: string, goneReason: string | null) {
      const rows = await services.prisma.$queryRaw<{ failingSince: Date }[]>`
        UPDATE "WebhookSubscription" SET "failingSince" = COALESCE("failingSince", now()) WHERE id = ${webhookId}::uuid AND active RETURNING "failingSince"`;
      const since = rows[0]?.failingSince;
      if (!since) return;
      if (goneReason) await disableWebhook(services, webhookId, goneReason);
      else if (Date.now() - since.getTime() >= options.disableAfterMs) {
        await disableWebhook(services, webhookId, `every attempt has failed since ${since.toISOString()}`);
      }
    },
  };
}

/** Disables an active webhook, with its alert, event and mail; false when it was not active. */
export async function disableWebhook(services: AppServices, webhookId: string, reason: string): Promise<boolean> {
  const now = new Date();
  const disabled = await transact(services, 'system', async (tx, emit) => {
    const rows = await tx.webhookSubscription.updateManyAndReturn({
      where: { id: webhookId, active: true },
      data: { active: false, disabledAt: now, disabledReason: reason },
      select: { id: true, url: true, contactEmail: true },
    });
    const webhook = rows[0];
    if (!webhook) return null;
    const message = `Webhook ${webhook.url} was disabled: ${reason}. Re-enable it with updateWebhook (active: true), replaying what it missed or not.`;
    emit('webhook.disabled', { webhookId, url: webhook.url, reason, disabledAt: now.toISOString() });
    await insertAlert(tx, emit, { kind: 'WEBHOOK_DISABLED', accountId: null, activeKey: disabledAlertKey(webhookId), message, details: { webhookId, url: webhook.url, reason }, eventFields: { webhookId } }, now);
    return { ...webhook, message };
  });
  if (!disabled) return false;
  webhookChanged(services, webhookId);
  services.logger.warn({ webhookId, target: new URL(disabled.url).origin, reason }, 'webhook disabled');
  if (disabled.contactEmail && services.mailer?.configured) {
    const outcome = await services.mailer.send({ to: disabled.contactEmail, subject: 'Stockline: a webhook was disabled', text: `${disabled.message}\n` });
    if (!outcome.sent) services.logger.warn({ webhookId, reason: outcome.reason }, 'the webhook contact could not be mailed');
  }
  return true;
}

/** Re-enabled: the health record starts over and the alert is resolved. Run with the transaction that activates it. */
export async function clearDisabled(tx: Parameters<Parameters<typeof transact>[2]>[0], webhookId: string): Promise<void> {
  await tx.webhookSubscription.update({ where: { id: webhookId }, data: { disabledAt: null, disabledReason: null, failingSince: null, pausedUntil: null } });
  await resolveAlert(tx, disabledAlertKey(webhookId), new Date());
}
