import type { z } from 'zod';
import type { Actor, AppServices } from '../../core/services.js';
import type { Prisma, WebhookSubscription } from '../../generated/prisma/client.js';
import { transact } from '../../db/transaction.js';
import { CredentialsDecryptError } from '../accounts/credentials.crypto.js';
import { byId, rotateInput, webhookCreate, webhookUpdate } from './webhook.inputs.js';
import { deliveryNotFound, webhookError, webhookNotFound } from './webhook.errors.js';
import { checkTarget, TargetRefused } from '../outbound/target-policy.js';
import { generateWebhookSecret, standardWebhooksSecret } from './webhook.signing.js';
import { clearDisabled } from './webhook.health.js';
import { replayWebhookDeliveries } from './webhook.replay.js';
import { webhookChanged } from './webhook.changes.js';

/** A subscription with its secret in clear: only ever returned by create and rotate. */
export interface WithSecret {
  webhook: WebhookSubscription;
  secret: string;
  standardWebhooksSecret: string;
}

/** How long the previous secret signs after a rotation unless configured (WEBHOOK_SECRET_GRACE_HOURS). */
const DEFAULT_SECRET_GRACE_MS = 24 * 3_600_000;

const allowPrivate = (services: AppServices) => services.webhookTargets?.allowPrivate ?? false;

async function ensureTarget(services: AppServices, url: string) {
  try {
    await checkTarget(url, { allowPrivate: allowPrivate(services) });
  } catch (error) {
    if (error instanceof TargetRefused) throw webhookError('TARGET_REFUSED', `url refused: ${error.message}`, ['input', 'url']);
    throw error;
  }
}

const seal = (services: AppServices, secret: string) => services.cipher.encrypt({ secret });

/** The signing secret of a subscription, decrypted. */
export function secretOf(services: AppServices, webhook: Pick<WebhookSubscription, 'id' | 'secretEncrypted'>): string {
  try {
    const secret = services.cipher.decrypt(webhook.secretEncrypted).secret;
    if (!secret) throw new CredentialsDecryptError();
    return secret;
  } catch (error) {
    if (error instanceof CredentialsDecryptError) throw webhookError('SECRET_UNREADABLE', `Webhook ${webhook.id}: its secret ${error.message.replace(/^credentials /, '')}`, ['input', 'id']);
    throw error;
  }
}

export async function createWebhook(services: AppServices, actor: Actor, raw: z.input<typeof webhookCreate>): Promise<WithSecret> {
  const input = webhookCreate.parse(raw);
  await ensureTarget(services, input.url);
  const secret = input.secret ?? generateWebhookSecret();
  const webhook = await transact(services, actor.name, (tx) =>
    tx.webhookSubscription.create({
      data: {
        url: input.url,
        events: [...new Set(input.events ?? [])],
        secretEncrypted: seal(services, secret),
        description: input.description ?? null,
        active: input.active ?? true,
        retryCount: input.retryCount ?? undefined,
        timeoutMs: input.timeoutMs ?? undefined,
        ordered: input.ordered ?? undefined,
        deadLetterPolicy: input.deadLetterPolicy ?? undefined,
        maxPerSecond: input.maxPerSecond ?? null,
        contactEmail: input.contactEmail ?? null,
      },
    }),
  );
  services.logger.info({ webhookId: webhook.id, target: new URL(webhook.url).origin, events: webhook.events, actor: actor.name }, 'webhook created');
  return { webhook, secret, standardWebhooksSecret: standardWebhooksSecret(secret) };
}

/**
 * Changes the given settings. Enabling a disabled webhook starts its health record over and
 * resolves its alert; with `replayDeadLetters` its dead letters are replayed too (a task).
 */
export async function updateWebhook(services: AppServices, actor: Actor, raw: z.input<typeof webhookUpdate>) {
  const { id, url, events, replayDeadLetters, maxPerSecond, contactEmail, ...rest } = webhookUpdate.parse(raw);
  if (url) await ensureTarget(services, url);
  const data: Prisma.WebhookSubscriptionUpdateInput = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null && v !== undefined));
  // These two have a "none" (no limit, nobody to mail): null sets it, left out keeps the value.
  if (maxPerSecond !== undefined) data.maxPerSecond = maxPerSecond;
  if (contactEmail !== undefined) data.contactEmail = contactEmail;
  if (url) data.url = url;
  if (events) data.events = [...new Set(events)];
  const webhook = await transact(services, actor.name, async (tx) => {
    const existing = await tx.webhookSubscription.findUnique({ where: { id }, select: { id: true, active: true } });
    if (!existing) throw webhookNotFound(id);
    if (rest.active === true && !existing.active) await clearDisabled(tx, id);
    return tx.webhookSubscription.update({ where: { id }, data });
  });
  webhookChanged(services, id);
  const replayTask = replayDeadLetters ? await replayWebhookDeliveries(services, actor, { webhookId: id, filter: { status: 'DEAD' } }) : null;
  services.wake?.('webhooks'); // reactivated: its held deliveries can go now
  return { webhook, replayTask };
}

/** Deletes the subscription with its deliveries and their log. */
export async function deleteWebhook(services: AppServices, actor: Actor, raw: z.input<typeof byId>) {
  const { id } = byId.parse(raw);
  const deleted = await transact(services, actor.name, async (tx) => {
    const existing = await tx.webhookSubscription.findUnique({ where: { id } });
    if (!existing) throw webhookNotFound(id);
    await tx.webhookSubscription.delete({ where: { id } });
    return existing;
  });
  webhookChanged(services, id);
  return deleted;
}

/**
 * A new secret (given or generated), signing every request from now on, retries included. The
 * previous one keeps signing beside it (a second webhook-signature entry) for `graceSeconds`
 * (default WEBHOOK_SECRET_GRACE_HOURS, 24 h), so receivers can switch without failing a request.
 */
export async function rotateWebhookSecret(services: AppServices, actor: Actor, raw: z.input<typeof rotateInput>): Promise<WithSecret> {
  const input = rotateInput.parse(raw);
  const secret = input.secret ?? generateWebhookSecret();
  const graceMs = input.graceSeconds != null ? input.graceSeconds * 1000 : (services.webhookSettings?.secretGraceMs ?? DEFAULT_SECRET_GRACE_MS);
  const now = new Date();
  const webhook = await transact(services, actor.name, async (tx) => {
    const existing = await tx.webhookSubscription.findUnique({ where: { id: input.id }, select: { secretEncrypted: true } });
    if (!existing) throw webhookNotFound(input.id);
    return tx.webhookSubscription.update({
      where: { id: input.id },
      data: {
        secretEncrypted: seal(services, secret),
        secretRotatedAt: now,
        previousSecretEncrypted: graceMs > 0 ? existing.secretEncrypted : null,
        previousSecretUntil: graceMs > 0 ? new Date(now.getTime() + graceMs) : null,
      },
    });
  });
  webhookChanged(services, webhook.id);
  services.logger.info({ webhookId: webhook.id, actor: actor.name, graceMs }, 'webhook secret rotated');
  return { webhook, secret, standardWebhooksSecret: standardWebhooksSecret(secret) };
}

/**
 * Sends a delivery again as a NEW delivery (new id, so receivers that dedupe on X-Webhook-Id do
 * not drop it) with the very same body (so its event `id` is unchanged and a receiver can still
 * tell it is the same event). The original keeps its status and log.
 */
export async function redeliverWebhookDelivery(services: AppServices, actor: Actor, raw: z.input<typeof byId>) {
  const { id } = byId.parse(raw);
  const delivery = await transact(services, actor.name, async (tx) => {
    const original = await tx.webhookDelivery.findUnique({ where: { id } });
    if (!original) throw deliveryNotFound(id);
    return tx.webhookDelivery.create({
      data: { subscriptionId: original.subscriptionId, eventId: original.eventId, eventType: original.eventType, body: original.body },
    });
  });
  services.wake?.('webhooks');
  return delivery;
}
