// A subscriber that finds a shared subscription execution at the moment its last subscriber leaves
// must get a live stream of its own, not join the closed one and wait forever (the window is one
// microtask, so the plugin is driven directly: over a socket it cannot be hit on purpose).
import { parse, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { Repeater } from '@graphql-yoga/subscription';
import { describe, expect, it } from 'vitest';
import { useSharedSubscriptions } from '../../src/graphql/shared-subscriptions.plugin.js';

/** An upstream source: every subscribe gets its own stream of what is published after it. */
function source() {
  const listeners = new Set<(result: ExecutionResult) => void>();
  let subscribes = 0;
  const subscribeFn = async (): Promise<AsyncIterable<ExecutionResult>> => {
    subscribes++;
    return new Repeater<ExecutionResult>(async (push, stop) => {
      const listener = (result: ExecutionResult) => void push(result);
      listeners.add(listener);
      await stop;
      listeners.delete(listener);
    });
  };
  return { subscribeFn, publish: (result: ExecutionResult) => listeners.forEach((listener) => listener(result)), subscribes: () => subscribes };
}

describe('shared subscription executions', () => {
  const plugin = useSharedSubscriptions();
  const args = { document: parse('subscription { probe }'), contextValue: { actor: { role: 'VIEWER' } }, variableValues: {} } as unknown as ExecutionArgs;
  const upstream = source();
  /** What graphql-yoga does for one subscriber: the plugin's hook replaces subscribe, then it runs. */
  const subscribe = () => {
    let shared!: (args: ExecutionArgs) => Promise<AsyncIterable<ExecutionResult>>;
    plugin.onSubscribe!({ args, subscribeFn: upstream.subscribeFn, setSubscribeFn: (fn: typeof shared) => (shared = fn) } as never);
    return shared(args);
  };

  it('gives a subscriber arriving as the last one leaves a stream of its own that receives the next event', async () => {
    const first = (await subscribe())[Symbol.asyncIterator]();
    const firstNext = first.next();
    upstream.publish({ data: { probe: 1 } });
    expect((await firstNext).value).toEqual({ data: { probe: 1 } });
    // The last subscriber leaves and, in the same tick, another one asks for the same operation.
    const leaving = first.return!();
    const second = subscribe();
    await leaving;
    const secondNext = (await second)[Symbol.asyncIterator]().next();
    // Published once the second subscriber runs: on a fresh upstream subscription, not the closed one.
    await expect.poll(() => upstream.subscribes()).toBe(2);
    upstream.publish({ data: { probe: 2 } });
    const received = await Promise.race([secondNext, new Promise<string>((r) => setTimeout(() => r('nothing within 1 s'), 1000))]);
    expect(received).toEqual({ value: { data: { probe: 2 } }, done: false });
  });
});
