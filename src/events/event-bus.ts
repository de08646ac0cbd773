import { randomUUID } from 'node:crypto';
import type { TypedEventTarget } from '@graphql-yoga/typed-event-target';
import type { DomainEvent, EventType } from './event-types.js';
import type { SyncProgressEvent, SyncRunChange } from '../modules/sync/sync.events.js';
import type { WebhookAttemptEvent } from '../modules/webhooks/webhook.events.js';
import type { TaskProgressEvent } from '../modules/tasks/task.events.js';
import { SharedTopics } from './shared-topics.js';

type Channels = {
  'domain-event': DomainEvent;
  'task-progress': TaskProgressEvent;
  'sync-progress': SyncProgressEvent;
  'sync-run': SyncRunChange;
  'webhook-attempt': WebhookAttemptEvent;
  'token-revoked': { tokenId: string };
  'webhook-changed': { webhookId: string; origin: string };
};

/**
 * Publishes domain events to subscribers. In-process by default; give it the Redis event target
 * and every instance sees every event. Services publish only after their transaction commits.
 * The payload of each stream is declared by the domain that publishes it (its *.events.ts).
 *
 * Every stream below is a Repeater, not an async generator: a generator waiting inside `for await`
 * cannot be closed until its next event arrives, so `return()` on an idle stream (a worker
 * stopping, a client unsubscribing) would hang until something is published. All the streams of a
 * topic share one listener on the event target (SharedTopics), however many sockets subscribe.
 */
export class EventBus {
  private readonly topics: SharedTopics<Channels>;
  /** Marks what this bus publishes, so its own messages can be told from other instances'. */
  private readonly origin = randomUUID();

  constructor(eventTarget?: TypedEventTarget<CustomEvent>) {
    this.topics = new SharedTopics<Channels>(eventTarget);
  }

  static create(type: EventType, payload: Record<string, unknown>, actor = 'system'): DomainEvent {
    return { id: randomUUID(), type, occurredAt: new Date().toISOString(), actor, payload };
  }

  publish(events: Iterable<DomainEvent>): void {
    for (const event of events) this.topics.publish('domain-event', event);
  }

  publishSyncProgress(event: SyncProgressEvent): void {
    this.topics.publish('sync-progress', event);
  }

  publishSyncRun(change: SyncRunChange): void {
    this.topics.publish('sync-run', change);
  }

  publishWebhookAttempt(event: WebhookAttemptEvent): void {
    this.topics.publish('webhook-attempt', event);
  }

  webhookAttempts(webhookId: string) {
    return this.topics.subscribe('webhook-attempt', (event) => event.webhookId === webhookId);
  }

  publishTaskProgress(event: TaskProgressEvent): void {
    this.topics.publish('task-progress', event);
  }

  taskProgress(taskId: string) {
    return this.topics.subscribe('task-progress', (event) => event.taskId === taskId);
  }

  syncProgress(by: { runId?: string; accountId?: string }) {
    return this.topics.subscribe('sync-progress', (event) => (!by.runId || event.runId === by.runId) && (!by.accountId || event.accountId === by.accountId));
  }

  syncRuns(by: { accountId?: string }) {
    return this.topics.subscribe('sync-run', (change) => !by.accountId || change.accountId === by.accountId);
  }

  /** Tells every instance to forget a revoked token it may have cached (not a domain event: no webhook). */
  publishTokenRevoked(tokenId: string): void {
    this.topics.publish('token-revoked', { tokenId });
  }

  tokenRevocations() {
    return this.topics.subscribe('token-revoked');
  }

  /** Tells every other instance that a webhook changed (committed), so its worker reads it again (not a domain event: no webhook). */
  publishWebhookChanged(webhookId: string): void {
    this.topics.publish('webhook-changed', { webhookId, origin: this.origin });
  }

  /** Webhook changes made by other instances from now on (this one's are heard in-process, webhook.changes.ts). */
  webhookChangesElsewhere() {
    return this.topics.subscribe('webhook-changed', (change) => change.origin !== this.origin);
  }

  /** Every event from now on, optionally only of the given types. */
  subscribe(types?: readonly EventType[]) {
    const wanted = types && types.length > 0 ? new Set<string>(types) : null;
    return this.topics.subscribe('domain-event', (event) => !wanted || wanted.has(event.type));
  }
}
