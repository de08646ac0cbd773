import { GraphQLError, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { Repeater } from '@graphql-yoga/subscription';
import type { Actor, AppServices } from '../core/services.js';
import { atTime } from '../shared/at-time.js';
import { recheckToken, TOKEN_EXPIRED, TOKEN_REVOKED, type AuthServices } from '../modules/access/token.service.js';

type Services = AuthServices & Pick<AppServices, 'events'>;

export interface TokenStreamOptions {
  /** How often an open stream's token is checked again (one revoked while the event bus was down); default 60 s. */
  recheckMs?: number;
}

/** What ends a revoked or expired token's stream: its last message, then the end (graphql-sse's `complete`). */
const unauthenticated = (reason: string) => new GraphQLError(reason, { extensions: { code: 'UNAUTHENTICATED' } });

/**
 * Ends the subscriptions over HTTP (server-sent events) of a token revoked on any instance as soon
 * as the revoke arrives through the event bus (within 1 s everywhere, issue 17): with one last
 * UNAUTHENTICATED error, so the stream never delivers another event to a caller whose token no
 * longer holds; likewise when the token expires while the stream is open. The token is also
 * checked again every `recheckMs`, which ends the stream of a token revoked where the event never
 * arrived (on another instance while Redis was down), as websocket.ts does for its connections;
 * WebSocket operations carry graphql-ws' `extra` and are left to websocket.ts, which closes their
 * socket 4403.
 */
export function useRevokedTokenStreams(services: Services, options: TokenStreamOptions = {}): Plugin {
  const recheckMs = options.recheckMs ?? 60_000;
  /** Running HTTP streams by token id: each one's way to end itself. */
  const running = new Map<string, Set<() => void>>();
  const revocations = services.events.tokenRevocations();
  const ending = (async () => {
    for await (const { tokenId } of revocations) for (const end of running.get(tokenId) ?? []) end();
  })();

  /** `source` ending when the token of `actor`, sent as `header`, is revoked or expires. */
  function endOnRevoke(source: AsyncIterable<ExecutionResult>, { tokenId, expiresAt }: Actor, header: string | null): Repeater<ExecutionResult> {
    return new Repeater<ExecutionResult>(async (push, stop) => {
      const endWith = (reason: string) => {
        void push({ errors: [unauthenticated(reason)] });
        stop();
      };
      const end = () => endWith(TOKEN_REVOKED);
      const ends = running.get(tokenId) ?? new Set();
      running.set(tokenId, ends.add(end));
      const cancelExpiry = expiresAt ? atTime(expiresAt, () => endWith(TOKEN_EXPIRED)) : undefined;
      const recheck = setInterval(() => recheckToken(services, header, endWith), recheckMs);
      recheck.unref();
      const iterator = source[Symbol.asyncIterator]();
      // Ending (revoked, expired, or the client left) closes the source at once, even while it waits for an event.
      void stop.then(() => {
        cancelExpiry?.();
        clearInterval(recheck);
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
      const context = args.contextValue as { actor?: Actor | null; extra?: unknown; request?: Request };
      const actor = context.actor;
      if (!actor || 'extra' in context) return;
      // The header the actor was read from (yoga.ts): checked again as it was the first time.
      const header = context.request?.headers.get('authorization') ?? null;
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(endOnRevoke(result as AsyncIterable<ExecutionResult>, actor, header));
        },
      };
    },
    async onDispose() {
      await revocations.return?.();
      await ending;
    },
  };
}
