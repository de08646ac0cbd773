import { Repeater } from '@graphql-yoga/subscription';
import type { TypedEventTarget } from '@graphql-yoga/typed-event-target';

type Sink = (value: unknown) => void;

/**
 * Topics over an event target with one listener per topic, however many local subscribers it has:
 * the first subscriber of a topic adds the listener (with Redis: subscribes the channel), the last
 * one to leave removes it. An event is taken from the target once and handed to each subscriber's
 * filter as the same object, so 5,000 sockets on a topic cost one listener and 5,000 pushes, not
 * 5,000 listeners on the target (nor their add/remove churn as clients come and go).
 */
export class SharedTopics<Channels extends Record<string, unknown>> {
  private readonly topics = new Map<string, { listener: EventListener; sinks: Set<Sink> }>();

  constructor(private readonly target: TypedEventTarget<CustomEvent> | EventTarget = new EventTarget()) {}

  publish<K extends keyof Channels & string>(topic: K, payload: Channels[K]): void {
    this.target.dispatchEvent(new CustomEvent(topic, { detail: payload }) as never);
  }

  /**
   * The topic's events from now on that `accept` lets through. A Repeater (not an async generator),
   * so closing it ends it at once even while no event comes.
   */
  subscribe<K extends keyof Channels & string>(topic: K, accept?: (payload: Channels[K]) => boolean): Repeater<Channels[K]> {
    return new Repeater<Channels[K]>((push, stop) => {
      const sink: Sink = (payload) => {
        if (accept && !accept(payload as Channels[K])) return;
        // A subscriber 1,024 events behind (Repeater's cap) is ended with that error, not the process.
        try {
          void push(payload as Channels[K]);
        } catch (error) {
          stop(error);
        }
      };
      this.attach(topic, sink);
      void stop.then(() => this.detach(topic, sink));
    });
  }

  private attach(topic: string, sink: Sink) {
    let entry = this.topics.get(topic);
    if (!entry) {
      const sinks = new Set<Sink>();
      const listener: EventListener = (event) => {
        const payload = (event as CustomEvent).detail;
        for (const each of sinks) each(payload);
      };
      entry = { listener, sinks };
      this.topics.set(topic, entry);
      this.target.addEventListener(topic, listener as never);
    }
    entry.sinks.add(sink);
  }

  private detach(topic: string, sink: Sink) {
    const entry = this.topics.get(topic);
    if (!entry?.sinks.delete(sink) || entry.sinks.size > 0) return;
    this.topics.delete(topic);
    this.target.removeEventListener(topic, entry.listener as never);
  }
}
