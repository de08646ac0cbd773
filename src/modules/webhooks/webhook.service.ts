import type { z } from 'zod';
import type { Actor, AppServices } from '../../core/services.js';
import type { Prisma, WebhookSubscription } from '../../generated/prisma/client.js';
import { transact } from '../../db/transaction.js';
import { CredentialsDecryptError } from '../accounts/credentials.crypto.js';
import { byId, rotateInput, webhookCreate, webhookUpdate } from './webhook.inputs.js';
import { deliveryNotFound, webhookError, webhookNotFound } from './webhook.errors.js';
import { checkTarget, TargetRefused } from '../outbound/target-policy.js';
import { generateWebhookSecret, standardWebhooksSecret } from './webhook.signing.js';

/** A subscription with its secret in clear: only ever returned by create and rotate. */
export interface WithSecret {
  webhook: WebhookSubscription;
  secret: string;
  standardWebhooksSecret: string;
}

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
      },
    }),
  );
  services.logger.info({ webhookId: webhook.id, target: new URL(webhook.url).origin, events: webhook.events, actor: actor.name }, 'webhook created');
  return { webhook, secret, standardWebhooksSecret: standardWebhooksSecret(secret) };
}

export async function updateWebhook(services: AppServices, actor: Actor, raw: z.input<typeof webhookUpdate>) {
  const { id, url, events, ...rest } = webhookUpdate.parse(raw);
  if (url) await ensureTarget(services, url);
  const data: Prisma.WebhookSubscriptionUpdateInput = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null && v !== undefined));
  if (url) data.url = url;
  if (events) data.events = [...new Set(events)];
  const webhook = await transact(services, actor.name, async (tx) => {
    if (!(await tx.webhookSubscription.findUnique({ where: { id }, select: { id: true } }))) throw webhookNotFound(id);
    return tx.webhookSubscription.update({ where: { id }, data });
  });
  services.wake?.('webhooks'); // reactivated: its held deliveries can go now
  return webhook;
}

/** Deletes the subscription with its deliveries and their log. */
export async function deleteWebhook(services: AppServices, actor: Actor, raw: z.input<typeof byId>) {
  const { id } = byId.parse(raw);
  return transact(services, actor.name, async (tx) => {
    const existing = await tx.webhookSubscription.findUnique({ where: { id } });
    if (!existing) throw webhookNotFound(id);
    await tx.webhookSubscription.delete({ where: { id } });
    return existing;
  });
}

/** A new secret (given or generated), effective for every delivery sent from now on, retries included. */
export async function rotateWebhookSecret(services: AppServices, actor: Actor, raw: z.input<typeof rotateInput>): Promise<WithSecret> {
  const input = rotateInput.parse(raw);
  const secret = input.secret ?? generateWebhookSecret();
  const webhook = await transact(services, actor.name, async (tx) => {
    if (!(await tx.webhookSubscription.findUnique({ where: { id: input.id }, select: { id: true } }))) throw webhookNotFound(input.id);
    return tx.webhookSubscription.update({ where: { id: input.id }, data: { secretEncrypted: seal(services, secret), secretRotatedAt: new Date() } });
  });
  services.logger.info({ webhookId: webhook.id, actor: actor.name }, 'webhook secret rotated');
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
