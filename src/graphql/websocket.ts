import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, getOperationAST, type ExecutionArgs } from 'graphql';
import type { AppServices, Actor } from '../core/services.js';
import type { GraphQLHandler } from './yoga.js';
import { addressOf } from './request-limits.plugin.js';
import { authenticate, recheckToken, TOKEN_EXPIRED, TOKEN_REVOKED } from '../modules/access/token.service.js';
import { atTime } from '../shared/at-time.js';
import { persistedErrors, socketDocument } from './persisted-operations.js';
import { limitSendBuffer, SLOW_CONSUMER_CLOSE_CODE } from './send-buffer-limit.js';
import { replaceSharedPayload, sendSharedPayloads, sharedPayload } from './shared-payload-text.js';

/**
 * `header`: the connection's Authorization value; `operationHeaders`: those its operations brought
 * themselves (GraphiQL), with their token ids, by operation id. All are checked again while open;
 * `recheck` is that timer. `expiries`: the timers that close the connection when one of those
 * tokens expires, by operation id ('' for the connection's own), each its cancel.
 */
type Extra = {
  actor?: Actor | null;
  header?: string;
  operationHeaders?: Map<string, { header: string; tokenId: string }>;
  recheck?: NodeJS.Timeout;
  expiries?: Map<string, () => void>;
};
type Connection = Extra & { socket: WebSocket };

export interface WebSocketOptions {
  /** How often an open connection's tokens are checked again (one revoked while the event bus was down: closed 4403; an expiry closes it at the moment); default 60 s. */
  recheckMs?: number;
  /** Bytes a socket may have waiting to be sent before it is closed 1013 as a slow consumer (WS_MAX_BUFFERED_BYTES); default 4 MiB. */
  maxBufferedBytes?: number;
}

/** graphql-ws's code for a refused connection; the client does not retry it. */
const FORBIDDEN = 4403;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The Authorization value in a map of headers or params (the name in any case), when it is a string. */
function authorizationIn(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  for (const key of Object.keys(value)) {
    if (key.toLowerCase() === 'authorization' && typeof value[key] === 'string') return value[key];
  }
  return undefined;
}

/**
 * graphql-ws on the same port and path as HTTP, executing through Yoga's envelop so plugins,
 * context and limits are the same. The connection's token comes in connectionParams
 * (`authorization` or `headers.authorization`, any case: browsers cannot set headers on a
 * WebSocket) or the upgrade request's Authorization header; an operation may bring its own in
 * `extensions.headers`, as GraphiQL sends the headers typed in its editor.
 */
export function attachWebSocket(server: Server, yoga: GraphQLHandler, services: AppServices, options: WebSocketOptions = {}) {
  const recheckMs = options.recheckMs ?? 60_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const log = services.logger.child({ component: 'websocket' });
  const { rateLimits, maxBodyBytes, maxSubscriptionsPerSocket } = yoga.requestLimits;
  // A message is at most as large as an HTTP body may be (ws would accept 100 MiB).
  // A browser sends Origin on the upgrade, and no CORS check applies to WebSockets: the CORS list
  // decides here (403). Clients that are not browsers send none and are let through, as over HTTP.
  const wss = new WebSocketServer({
    server,
    path: yoga.graphqlEndpoint,
    maxPayload: maxBodyBytes,
    verifyClient: ({ origin, req }, done) => (!origin || yoga.allowsOrigin(origin, req.headers.host) ? done(true) : done(false, 403, 'Origin not allowed')),
  });
  const { metrics } = services;
  wss.on('connection', (socket) => {
    metrics?.webSocketConnections.inc();
    socket.once('close', () => metrics?.webSocketConnections.dec());
    limitSendBuffer(socket, maxBufferedBytes, (bufferedBytes) => log.warn({ bufferedBytes, maxBufferedBytes, code: SLOW_CONSUMER_CLOSE_CODE }, 'closed a slow WebSocket consumer: it stopped reading'));
    // After limitSendBuffer, so the message it counts and sends is the spliced one.
    sendSharedPayloads(socket);
  });
  /** Connections using a token, their own or an operation's: the ones a revoke may end. */
  const watched = new Set<Connection>();
  /**
   * Tokens revoked lately, by id, with when (oldest first; each revoke prunes those older than
   * `recheckMs`): a connection or an operation whose token was looked up before a revoke but is let in
   * after its event passed is refused from this record, not left streaming until the periodic check.
   */
  const revokedLately = new Map<string, number>();
  const disposable = useServer<Record<string, unknown> | undefined, Extra>(
    {
      onConnect: async (ctx) => {
        const params = ctx.connectionParams;
        const header = authorizationIn(params) ?? authorizationIn(params?.headers) ?? ctx.extra.request.headers.authorization;
        const auth = await authenticate(services, header);
        if (auth.kind === 'invalid') return false; // closes with 4403 Forbidden
        if (auth.kind === 'ok' && revokedLately.has(auth.actor.tokenId)) return false;
        const extra = ctx.extra as Extra;
        extra.actor = auth.kind === 'ok' ? auth.actor : null;
        extra.header = header;
        if (extra.actor) watchTokens(ctx.extra, '', extra.actor);
        return true;
      },
      onClose: (ctx) => {
        const extra = ctx.extra as Extra;
        clearInterval(extra.recheck);
        for (const cancel of extra.expiries?.values() ?? []) cancel();
        watched.delete(ctx.extra as Connection);
      },
      onComplete: (ctx, id) => {
        const extra = ctx.extra as Extra;
        extra.operationHeaders?.delete(id);
        extra.expiries?.get(id)?.();
        extra.expiries?.delete(id);
      },
      // A result shared by subscribers of one operation (shared-subscriptions.plugin.ts) is stringified once, not per socket.
      onNext: (_ctx, _id, _payload, _args, result) => sharedPayload(result as never) as never,
      jsonMessageReplacer: replaceSharedPayload,
      execute: (args) => (args.rootValue as { execute(a: ExecutionArgs): unknown }).execute(args) as never,
      subscribe: (args) => (args.rootValue as { subscribe(a: ExecutionArgs): unknown }).subscribe(args) as never,
      onSubscribe: async (ctx, id, params) => {
        const extra = ctx.extra as Extra;
        // graphql-ws registers the operation before this hook, so the count includes it. Over the cap it is refused; the socket stays.
        if (Object.keys(ctx.subscriptions).length > maxSubscriptionsPerSocket) {
          return [new GraphQLError(`This connection already runs ${maxSubscriptionsPerSocket} operations, the most one socket may: complete one first`, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })];
        }
        // An operation's own Authorization (GraphiQL's headers) wins over the connection's, for it alone.
        const own = authorizationIn(isObject(params.extensions) ? params.extensions.headers : undefined);
        let actor = extra.actor ?? null;
        if (own !== undefined && own !== extra.header) {
          // A token not in the token cache spends the address's lookup budget first, as over HTTP.
          let auth;
          try {
            auth = await authenticate(services, own, () => rateLimits.consumeLookup(addressOf(ctx.extra.request)));
          } catch (error) {
            if (error instanceof GraphQLError) return [error];
            throw error;
          }
          // Refuses this operation only: the connection and its other operations stay.
          if (auth.kind === 'invalid') return [new GraphQLError(auth.reason, { extensions: { code: 'UNAUTHENTICATED' } })];
          actor = auth.kind === 'ok' ? auth.actor : null;
        } else if (actor) {
          // Each new operation checks the connection's token again, so a revoked one starts nothing.
          const again = await authenticate(services, extra.header);
          if (again.kind === 'invalid') {
            ctx.extra.socket.close(FORBIDDEN, again.reason);
            return [new GraphQLError(again.reason, { extensions: { code: 'UNAUTHENTICATED' } })];
          }
        }
        // Every operation spends the same budget as an HTTP request: its token's, or its address's without one.
        try {
          await rateLimits.consume(actor, addressOf(ctx.extra.request));
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          actor,
          connectionParams: ctx.connectionParams,
          params,
        } as never);
        // A persisted hash becomes its document; PERSISTED_OPERATIONS=only refuses an arbitrary one (persisted-operations.ts).
        const source = await socketDocument(yoga.persisted, params);
        if (source instanceof GraphQLError) return [source];
        // A refused document (syntax, token limit) or context is answered on this operation only.
        try {
          const document = parse(source.query);
          const errors = validate(schema, document);
          if (errors.length) return errors;
          // graphql-ws refuses a document with no operation to pick after this hook, without onComplete:
          // refused here, it leaves no token watched (whose expiry would close the socket).
          if (!getOperationAST(document, params.operationName)) return [new GraphQLError('Unable to identify operation')];
          if (source.arbitrary && !yoga.persisted.mayRunArbitrary(actor, document)) return [persistedErrors.only()];
          const contextValue = await contextFactory();
          // Its token may have been revoked while it was being let in (after the lookup above).
          if (actor && revokedLately.has(actor.tokenId)) return [new GraphQLError(TOKEN_REVOKED, { extensions: { code: 'UNAUTHENTICATED' } })];
          // Watched only once it runs: graphql-ws calls onComplete for running operations only, so an
          // operation refused above must leave nothing behind to recheck (or to close the socket for).
          if (own !== undefined && actor && own !== extra.header) {
            (extra.operationHeaders ??= new Map()).set(id, { header: own, tokenId: actor.tokenId });
            watchTokens(ctx.extra, id, actor);
          }
          return {
            schema,
            operationName: params.operationName,
            document,
            variableValues: params.variables,
            contextValue,
            rootValue: { execute, subscribe },
          };
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
      },
    },
    wss,
  );
  /**
   * Subscriptions live for hours: every token in use on a connection (its own and its operations')
   * is checked again every `recheckMs`, and one that expires ends it then. A revoked one ends it at
   * once: the revoke reaches every instance through the event bus (endRevoked). `key`: the
   * operation id bringing `actor`'s token, '' for the connection's own.
   */
  function watchTokens(extra: Connection, key: string, actor: Actor) {
    // A socket that closed while a token was looked up has had its onClose: nothing may outlive it.
    if (extra.socket.readyState !== extra.socket.OPEN) return;
    const { socket } = extra;
    if (actor.expiresAt) (extra.expiries ??= new Map()).set(key, atTime(actor.expiresAt, () => socket.close(FORBIDDEN, TOKEN_EXPIRED)));
    if (extra.recheck) return;
    watched.add(extra);
    extra.recheck = setInterval(() => {
      const headers = new Set([...(extra.actor ? [extra.header] : []), ...[...(extra.operationHeaders?.values() ?? [])].map((op) => op.header)]);
      for (const header of headers) recheckToken(services, header, (reason) => socket.close(FORBIDDEN, reason));
    }, recheckMs);
    extra.recheck.unref();
  }

  const revocations = services.events.tokenRevocations();
  const endRevoked = (async () => {
    for await (const { tokenId } of revocations) {
      const now = Date.now();
      for (const [id, at] of revokedLately) {
        if (now - at <= recheckMs) break;
        revokedLately.delete(id);
      }
      revokedLately.delete(tokenId); // set again below, so the map stays oldest first
      revokedLately.set(tokenId, now);
      for (const connection of watched) {
        const uses = connection.actor?.tokenId === tokenId || [...(connection.operationHeaders?.values() ?? [])].some((op) => op.tokenId === tokenId);
        if (uses) connection.socket.close(FORBIDDEN, TOKEN_REVOKED);
      }
    }
  })();

  return {
    wss,
    async close() {
      await revocations.return?.();
      await endRevoked;
      for (const client of wss.clients) client.terminate();
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
