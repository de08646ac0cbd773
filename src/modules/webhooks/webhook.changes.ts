/**
 * Tells the webhook workers that a webhook changed (updated, enabled or disabled, its secret
 * rotated, paused by its receiver, deleted), once the change committed: a worker then re-reads
 * that webhook before it sends a delivery claimed earlier (webhook.views.ts).
 *
 * This process's worker hears it at once, in-process; the workers of other instances sharing the
 * event bus (Redis) hear it as a `webhook-changed` message. When that message is lost (Redis down),
 * their views of webhooks expire instead (WebhookWorkerOptions.recheckMs).
 *
 * Keyed by the app's event bus: every request context copies the app's services, and they all
 * share that one bus, so a change made through any of them reaches the worker of the same app.
 */
import type { AppServices } from '../../core/services.js';

type Listener = (webhookId: string) => void;

const listeners = new WeakMap<object, Set<Listener>>();

/** Call after the change committed. */
export function webhookChanged(services: Pick<AppServices, 'events'>, webhookId: string): void {
  for (const listener of listeners.get(services.events) ?? []) listener(webhookId);
  services.events.publishWebhookChanged(webhookId);
}

/** Hears the changes made through this app's services and, over the bus, by other instances; returns the unsubscribe. */
export function onWebhookChanged(services: Pick<AppServices, 'events'>, listener: Listener): () => void {
  let set = listeners.get(services.events);
  if (!set) listeners.set(services.events, (set = new Set()));
  set.add(listener);
  const elsewhere = services.events.webhookChangesElsewhere();
  void (async () => {
    for await (const { webhookId } of elsewhere) listener(webhookId);
  })().catch(() => {});
  return () => {
    set.delete(listener);
    void elsewhere.return(undefined);
  };
}
