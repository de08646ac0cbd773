import type { DocumentNode, ExecutionArgs, ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { Repeater } from '@graphql-yoga/subscription';
import type { Actor } from '../core/services.js';

type Results = AsyncIterator<ExecutionResult> & AsyncIterable<ExecutionResult>;
type Sink = { push(result: ExecutionResult): void; end(error?: unknown): void };

/** One execution of a subscription whose results every local subscriber with the same key receives. */
interface Shared {
  sinks: Set<Sink>;
  /** Set once its upstream ended or was closed: a subscriber that found it just then starts a new one. */
  closed: boolean;
  /** Closes the upstream stream, once its last subscriber left. */
  close(): void;
}

/**
 * Subscribers of the same operation — same document, operation name, variables and role — share
 * one execution per event: the first one's subscribe runs, and each event's result object is
 * handed to all of them, not executed and resolved once per socket (issue 17, item 3). A result
 * depends on nothing else: auth scopes are derived from the role alone (graphql/builder.ts), no
 * field of a subscription payload reads the viewer's token or name, and the context's limits are
 * the server's. Each subscriber still gets its own stream through the plugins after this one
 * (error masking, metrics, the revoked-token end), so those apply per subscriber as before.
 */
export function useSharedSubscriptions(): Plugin {
  const running = new Map<string, Promise<Shared | ExecutionResult>>();
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;

  // Yoga's parse cache hands the same DocumentNode for the same text, so identity names a document.
  const keyOf = (args: ExecutionArgs) => {
    let id = documentIds.get(args.document);
    if (id === undefined) documentIds.set(args.document, (id = nextDocumentId++));
    const role = (args.contextValue as { actor?: Actor | null }).actor?.role ?? '';
    return JSON.stringify([id, args.operationName ?? null, role, args.variableValues ?? null]);
  };

  /** `forget` takes this execution out of `running` (and no later one of the same key). */
  function start(upstream: Results, forget: () => void): Shared {
    const shared: Shared = {
      sinks: new Set(),
      closed: false,
      close: () => {
        shared.closed = true;
        forget();
        void upstream.return?.();
      },
    };
    void (async () => {
      try {
        for await (const result of upstream) for (const sink of shared.sinks) sink.push(result);
        for (const sink of shared.sinks) sink.end();
      } catch (error) {
        for (const sink of shared.sinks) sink.end(error);
      } finally {
        shared.closed = true;
        forget();
      }
    })();
    return shared;
  }

  /** A subscriber's own stream of the shared results; leaving it closes the upstream when it was the last. */
  function join(shared: Shared): Repeater<ExecutionResult> {
    return new Repeater<ExecutionResult>((push, stop) => {
      const sink: Sink = {
        // A subscriber 1,024 results behind (Repeater's cap) is ended, not the others.
        push: (result) => {
          try {
            void push(result);
          } catch (error) {
            stop(error);
          }
        },
        end: (error) => stop(error),
      };
      shared.sinks.add(sink);
      void stop.then(() => {
        if (shared.sinks.delete(sink) && shared.sinks.size === 0) shared.close();
      });
    });
  }

  return {
    onSubscribe({ args, subscribeFn, setSubscribeFn }) {
      const key = keyOf(args);
      setSubscribeFn(async (own: ExecutionArgs) => {
        for (;;) {
          let found = running.get(key);
          if (!found) {
            const forget = () => running.get(key) === created && running.delete(key);
            const created: Promise<Shared | ExecutionResult> = Promise.resolve(subscribeFn(own) as Promise<unknown>).then((outcome) =>
              isAsyncIterable(outcome) ? start(outcome as Results, forget) : (outcome as ExecutionResult),
            );
            found = created;
            running.set(key, created);
            // An operation refused at subscribe (auth, a bad argument) is each caller's own answer: not kept.
            void created.then((outcome) => 'sinks' in outcome || forget(), forget);
          }
          const outcome = await found;
          if (!('sinks' in outcome)) return outcome as never;
          // Its last subscriber left (or its stream ended) while this one waited: start afresh.
          if (!outcome.closed) return join(outcome) as never;
        }
      });
    },
  };
}
