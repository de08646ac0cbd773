import { randomUUID } from 'node:crypto';
import { createPubSub, type PubSub } from 'graphql-yoga';
import type { TypedEventTarget } from '@graphql-yoga/typed-event-target';
import type { DomainEvent, EventType } from './event-types.js';

type Channels = { 'domain-event': [DomainEvent] };

/**
 * Publishes domain events to subscribers. In-process by default; give it the Redis event target
 * and every instance sees every event. Services publish only after their transaction commits.
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

  /** Every event from now on, optionally only of the given types. */
  async *subscribe(types?: readonly EventType[]): AsyncGenerator<DomainEvent> {
    const wanted = types && types.length > 0 ? new Set<string>(types) : null;
    for await (const event of this.pubsub.subscribe('domain-event')) {
      if (!wanted || wanted.has(event.type)) yield event;
    }
  }
}
