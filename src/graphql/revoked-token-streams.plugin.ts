import { GraphQLError, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { Repeater } from '@graphql-yoga/subscription';
import type { Actor } from '../core/services.js';
import { atTime } from '../shared/at-time.js';
import { TOKEN_EXPIRED } from '../modules/access/token.service.js';

type Revocations = { tokenRevocations(): AsyncIterableIterator<{ tokenId: string }> };

/** What ends a revoked or expired token's stream: its last message, then the end (graphql-sse's `complete`). */
const unauthenticated = (reason: string) => new GraphQLError(reason, { extensions: { code: 'UNAUTHENTICATED' } });

/**
 * Ends the subscriptions over HTTP (server-sent events) of a token revoked on any instance as soon
 * as the revoke arrives through the event bus (within 1 s everywhere, issue 17): with one last
 * UNAUTHENTICATED error, so the stream never delivers another event to a caller whose token no
 * longer holds; likewise when the token expires while the stream is open. A token is otherwise
 * checked once, when the request starts. WebSocket operations carry graphql-ws' `extra` and are
 * left to websocket.ts, which closes their socket 4403.
 */
export function useRevokedTokenStreams(events: Revocations): Plugin {
  /** Running HTTP streams by token id: each one's way to end itself. */
  const running = new Map<string, Set<() => void>>();
  const revocations = events.tokenRevocations();
  const ending = (async () => {
    for await (const { tokenId } of revocations) for (const end of running.get(tokenId) ?? []) end();
  })();

  function endOnRevoke(source: AsyncIterable<ExecutionResult>, { tokenId, expiresAt }: Actor): Repeater<ExecutionResult> {
    return new Repeater<ExecutionResult>(async (push, stop) => {
      const endWith = (reason: string) => {
        void push({ errors: [unauthenticated(reason)] });
        stop();
      };
      const end = () => endWith('This API token was revoked');
      const ends = running.get(tokenId) ?? new Set();
      running.set(tokenId, ends.add(end));
      const cancelExpiry = expiresAt ? atTime(expiresAt, () => endWith(TOKEN_EXPIRED)) : undefined;
      const iterator = source[Symbol.asyncIterator]();
      // Ending (revoked, expired, or the client left) closes the source at once, even while it waits for an event.
      void stop.then(() => {
        cancelExpiry?.();
        if (ends.delete(end) && ends.size === 0) running.delete(tokenId);
        void iterator.return?.();
      });
      try {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) await push(next.value);
      } finally {
        stop();
      }
    });
  }

  return {
    onSubscribe({ args }) {
      const context = args.contextValue as { actor?: Actor | null; extra?: unknown };
      const actor = context.actor;
      if (!actor || 'extra' in context) return;
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(endOnRevoke(result as AsyncIterable<ExecutionResult>, actor));
        },
      };
    },
    async onDispose() {
      await revocations.return?.();
      await ending;
    },
  };
}
