import { randomUUID } from 'node:crypto';
import { createPubSub, filter, type PubSub } from '@graphql-yoga/subscription';
import type { TypedEventTarget } from '@graphql-yoga/typed-event-target';
import type { DomainEvent, EventType } from './event-types.js';
import type { SyncProgressEvent, SyncRunChange } from '../modules/sync/sync.events.js';
import type { WebhookAttemptEvent } from '../modules/webhooks/webhook.events.js';
import type { TaskProgressEvent } from '../modules/tasks/task.events.js';

type Channels = {
  'domain-event': [DomainEvent];
  'task-progress': [TaskProgressEvent];
  'sync-progress': [SyncProgressEvent];
  'sync-run': [SyncRunChange];
  'webhook-attempt': [WebhookAttemptEvent];
  'token-revoked': [{ tokenId: string }];
};

/**
 * Publishes domain events to subscribers. In-process by default; give it the Redis event target
 * and every instance sees every event. Services publish only after their transaction commits.
 * The payload of each stream is declared by the domain that publishes it (its *.events.ts).
 *
 * Every stream below is a Repeater (`filter` of @graphql-yoga/subscription), not an async generator: a generator
 * waiting inside `for await` cannot be closed until its next event arrives, so `return()` on an
 * idle stream (a worker stopping, a client unsubscribing) would hang until something is published.
 */
export class EventBus {
  private readonly pubsub: PubSub<Channels>;

  constructor(eventTarget?: TypedEventTarget<CustomEvent>) {
    this.pubsub = createPubSub<Channels>(eventTarget ? { eventTarget: eventTarget as never } : undefined);
  }

  static create(type: EventType, payload: Record<string, unknown>, actor = 'system'): DomainEvent {
    return { id: randomUUID(), type, occurredAt: new Date().toISOString(), actor, payload };
  }

  publish(events: Iterable<DomainEvent>): void {
    for (const event of events) this.pubsub.publish('domain-event', event);
  }

  publishSyncProgress(event: SyncProgressEvent): void {
    this.pubsub.publish('sync-progress', event);
  }

  publishSyncRun(change: SyncRunChange): void {
    this.pubsub.publish('sync-run', change);
  }

  publishWebhookAttempt(event: WebhookAttemptEvent): void {
    this.pubsub.publish('webhook-attempt', event);
  }

  webhookAttempts(webhookId: string) {
    return filter((event: WebhookAttemptEvent) => event.webhookId === webhookId)(this.pubsub.subscribe('webhook-attempt'));
  }

  publishTaskProgress(event: TaskProgressEvent): void {
    this.pubsub.publish('task-progress', event);
  }

  taskProgress(taskId: string) {
    return filter((event: TaskProgressEvent) => event.taskId === taskId)(this.pubsub.subscribe('task-progress'));
  }

  syncProgress(by: { runId?: string; accountId?: string }) {
    return filter((event: SyncProgressEvent) => (!by.runId || event.runId === by.runId) && (!by.accountId || event.accountId === by.accountId))(this.pubsub.subscribe('sync-progress'));
  }

  syncRuns(by: { accountId?: string }) {
    return filter((change: SyncRunChange) => !by.accountId || change.accountId === by.accountId)(this.pubsub.subscribe('sync-run'));
  }

  /** Tells every instance to forget a revoked token it may have cached (not a domain event: no webhook). */
  publishTokenRevoked(tokenId: string): void {
    this.pubsub.publish('token-revoked', { tokenId });
  }

  tokenRevocations() {
    return this.pubsub.subscribe('token-revoked');
  }

  /** Every event from now on, optionally only of the given types. */
  subscribe(types?: readonly EventType[]) {
    const wanted = types && types.length > 0 ? new Set<string>(types) : null;
    return filter((event: DomainEvent) => !wanted || wanted.has(event.type))(this.pubsub.subscribe('domain-event'));
  }
}
