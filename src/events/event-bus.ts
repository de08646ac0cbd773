import { randomUUID } from 'node:crypto';
import { createPubSub, type PubSub } from 'graphql-yoga';
import { filter } from '@graphql-yoga/subscription';
import type { TypedEventTarget } from '@graphql-yoga/typed-event-target';
import type { DomainEvent, EventType } from './event-types.js';

/** Live progress of sync runs (published per page) and run status changes (by run id). */
export interface SyncProgressEvent {
  runId: string;
  accountId: string;
  status: string;
  phase: string | null;
  pagesDone: number;
  pagesTotal: number | null;
  itemsDone: number;
  itemsTotal: number | null;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  percent: number;
  etaSeconds: number | null;
  itemsPerSecond: number;
  /** ISO 8601. */
  at: string;
}

/** One webhook delivery attempt's outcome (webhookDelivery subscription). */
export interface WebhookAttemptEvent {
  webhookId: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  success: boolean;
  /** The delivery's status after this attempt: PENDING (a retry is due at nextAttemptAt), SUCCESS or FAILED. */
  status: string;
  responseStatus: number | null;
  error: string | null;
  durationMs: number;
  /** ISO 8601, when a retry is due. */
  nextAttemptAt: string | null;
  /** ISO 8601. */
  at: string;
}

/** A background task as it changes (created, each progress report, finished); see src/modules/tasks. */
export interface TaskProgressEvent {
  taskId: string;
  kind: string;
  status: 'PENDING' | 'PROGRESS' | 'SUCCESS' | 'FAILURE';
  progressCurrent: number;
  progressTotal: number | null;
  percent: number;
  result: unknown;
  error: string | null;
  attempts: number;
  /** ISO 8601. */
  at: string;
}

type Channels = {
  'domain-event': [DomainEvent];
  'task-progress': [TaskProgressEvent];
  'sync-progress': [SyncProgressEvent];
  'sync-run': [{ runId: string; accountId: string; status: string }];
  'webhook-attempt': [WebhookAttemptEvent];
};

/**
 * Publishes domain events to subscribers. In-process by default; give it the Redis event target
 * and every instance sees every event. Services publish only after their transaction commits.
 */
/**
 * Every stream below is a Repeater (graphql-yoga's `filter`), not an async generator: a generator
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

  publishSyncRun(change: Channels['sync-run'][0]): void {
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
    return filter((change: Channels['sync-run'][0]) => !by.accountId || change.accountId === by.accountId)(this.pubsub.subscribe('sync-run'));
  }

  /** Every event from now on, optionally only of the given types. */
  subscribe(types?: readonly EventType[]) {
    const wanted = types && types.length > 0 ? new Set<string>(types) : null;
    return filter((event: DomainEvent) => !wanted || wanted.has(event.type))(this.pubsub.subscribe('domain-event'));
  }
}
