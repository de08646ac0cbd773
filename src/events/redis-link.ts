/**
 * The Redis connection of one instance (REDIS_URL): a publishing client (also the rate limiters'
 * store), a subscribing client, and the event target that carries the event bus over them.
 *
 * Redis may be down at start or go away later; the instance keeps serving. Both clients reconnect
 * forever with a capped backoff, every command promise is caught, and the outage is logged once
 * (not once per reconnection attempt). While Redis is down:
 * - commands on the publishing client fail at once (no offline queue), so the rate limiters fall
 *   back to their in-memory insurance limiter and nothing waits on Redis;
 * - events are delivered to this instance's own subscribers only (other instances miss them);
 * - subscriptions to new channels wait in the subscribing client's queue, and the channels
 *   already subscribed are subscribed again on reconnection (ioredis autoResubscribe).
 *
 * Everything lives under the deployment's namespace (`prefix`, see redis-prefix.ts), so deployments
 * sharing one Redis neither hear each other's events nor share keys: channels are `<prefix>:<topic>`,
 * and the publishing client prefixes every key it touches with `<prefix>:` (ioredis keyPrefix), so
 * the rate limiters and the APQ store built on it are namespaced without knowing it.
 *
 * Why not @graphql-yoga/redis-event-target: it drops the promises of subscribe and publish
 * (an outage turned them into unhandled rejections that ended the process) and cannot fall back
 * to local delivery. This target speaks the same protocol (one channel per topic, JSON message).
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { TypedEventTarget } from '@graphql-yoga/typed-event-target';

export interface RedisLink {
  /** Publishing client, also the store of the Redis rate limiters; its keys are namespaced. */
  readonly pub: Redis;
  readonly sub: Redis;
  readonly eventTarget: TypedEventTarget<CustomEvent>;
  /** Both clients connected and ready. */
  isUp(): boolean;
  close(): Promise<void>;
}

/** Delay before reconnection attempt `times`: 100 ms, 200 ms, … capped at 2 s; never gives up. */
export const redisRetryDelay = (times: number) => Math.min(times * 100, 2000);

/** Connects to `url`; `prefix` is the deployment's namespace of channels and keys. */
export function connectRedis(url: string, logger: Logger, prefix: string): RedisLink {
  const log = logger.child({ component: 'redis' });
  const common: RedisOptions = { retryStrategy: redisRetryDelay, connectTimeout: 5000 };
  // Fail fast while disconnected: callers (rate limiters, publishers) have a fallback.
  const pub = new Redis(url, { ...common, keyPrefix: `${prefix}:`, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  // Subscriptions wait for the connection instead of failing (they cannot fall back).
  const sub = new Redis(url, { ...common, maxRetriesPerRequest: null });

  let down = false;
  let closing = false;
  const isUp = () => pub.status === 'ready' && sub.status === 'ready';
  const onError = (error: Error) => {
    if (down || closing) return;
    down = true;
    log.warn({ err: error, url: redactUrl(url) }, 'Redis is unreachable; serving without it (events stay on this instance) and reconnecting with backoff');
  };
  const onReady = () => {
    if (!isUp()) return;
    if (down) log.info('Redis is reachable again; events are shared between instances again');
    down = false;
  };
  for (const client of [pub, sub]) {
    client.on('error', onError);
    client.on('ready', onReady);
    // A connection lost without an error event (server closed it) counts as an outage too.
    client.on('close', () => onError(new Error('connection closed')));
  }

  // ioredis keyPrefix does not apply to pub/sub: channels are named here.
  const channelPrefix = `${prefix}:`;
  const channelOf = (topic: string) => channelPrefix + topic;
  const callbacks = new Map<string, Set<EventListener>>();
  const deliver = (topic: string, detail: unknown) => {
    const listeners = callbacks.get(topic);
    if (!listeners) return;
    const event = new CustomEvent(topic, { detail });
    for (const listener of listeners) listener(event);
  };
  sub.on('message', (channel: string, message: string) => {
    if (!channel.startsWith(channelPrefix)) return;
    let detail: unknown;
    try {
      detail = message === '' ? null : JSON.parse(message);
    } catch {
      log.warn({ channel }, 'ignored a Redis message that is not JSON');
      return;
    }
    deliver(channel.slice(channelPrefix.length), detail);
  });
  const ignore = () => {};
  const callbackOf = new WeakMap<object, EventListener>();
  const asCallback = (listener: EventListener | EventListenerObject): EventListener => {
    if (typeof listener === 'function') return listener;
    let callback = callbackOf.get(listener);
    if (!callback) callbackOf.set(listener, (callback = (event) => listener.handleEvent(event)));
    return callback;
  };
  // Delivered here without Redis: the same JSON round trip as through it, so subscribers see one shape.
  const deliverLocally = (topic: string, detail: unknown) => deliver(topic, detail === undefined ? null : JSON.parse(JSON.stringify(detail)));

  const eventTarget = {
    addEventListener(topic: string, listener: EventListener | EventListenerObject | null) {
      if (!listener) return;
      const callback = asCallback(listener);
      let listeners = callbacks.get(topic);
      if (!listeners) {
        callbacks.set(topic, (listeners = new Set()));
        sub.subscribe(channelOf(topic)).catch(ignore);
      }
      listeners.add(callback);
    },
    removeEventListener(topic: string, listener: EventListener | EventListenerObject | null) {
      if (!listener) return;
      const callback = asCallback(listener);
      const listeners = callbacks.get(topic);
      if (!listeners?.delete(callback) || listeners.size > 0) return;
      callbacks.delete(topic);
      sub.unsubscribe(channelOf(topic)).catch(ignore);
    },
    dispatchEvent(event: CustomEvent) {
      const detail = event.detail;
      if (!isUp()) {
        deliverLocally(event.type, detail);
        return true;
      }
      // Lost between the check and the write: this instance's subscribers still hear it.
      pub.publish(channelOf(event.type), detail === undefined ? '' : JSON.stringify(detail)).catch(() => deliverLocally(event.type, detail));
      return true;
    },
  };

  return {
    pub,
    sub,
    eventTarget: eventTarget as unknown as TypedEventTarget<CustomEvent>,
    isUp,
    async close() {
      closing = true;
      await Promise.all([pub, sub].map((client) => (client.status === 'ready' ? client.quit().then(ignore, () => client.disconnect()) : client.disconnect())));
    },
  };
}

/** The URL without its password, for logs. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://…';
  }
}
