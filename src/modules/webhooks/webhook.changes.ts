/**
 * Tells this process's webhook worker that a webhook was changed here (updated, its secret rotated,
 * deleted, disabled), once the change committed: the worker then re-reads that webhook before it
 * sends a delivery claimed earlier (webhook.views.ts). Changes made by other instances are not
 * heard here; the worker's views of webhooks expire instead (WebhookWorkerOptions.recheckMs).
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
}

/** Hears the changes made through this app's services; returns the unsubscribe. */
export function onWebhookChanged(services: Pick<AppServices, 'events'>, listener: Listener): () => void {
  let set = listeners.get(services.events);
  if (!set) listeners.set(services.events, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}
