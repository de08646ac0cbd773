import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import type { AppServices, Actor } from '../core/services.js';
import type { GraphQLHandler } from './yoga.js';
import { addressOf } from './request-limits.plugin.js';
import { authenticate } from '../modules/access/token.service.js';

/** `header`: the connection's Authorization value, checked again while it is open; `recheck`: that timer. */
type Extra = { actor?: Actor | null; header?: string; recheck?: NodeJS.Timeout };

export interface WebSocketOptions {
  /** How often an open connection's token is checked again (revoked or expired: closed 4403); default 60 s. */
  recheckMs?: number;
}

/** graphql-ws's code for a refused connection; the client does not retry it. */
const FORBIDDEN = 4403;

/**
 * graphql-ws on the same port and path as HTTP, executing through Yoga's envelop so plugins,
 * context and limits are the same. The token comes in connectionParams.authorization (browsers
 * cannot set headers on a WebSocket) or the upgrade request's Authorization header.
 */
export function attachWebSocket(server: Server, yoga: GraphQLHandler, services: AppServices, options: WebSocketOptions = {}) {
  const recheckMs = options.recheckMs ?? 60_000;
  const { rateLimits, maxBodyBytes, maxSubscriptionsPerSocket } = yoga.requestLimits;
  // A message is at most as large as an HTTP body may be (ws would accept 100 MiB).
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: maxBodyBytes });
  const { metrics } = services;
  wss.on('connection', (socket) => {
    metrics?.webSocketConnections.inc();
    socket.once('close', () => metrics?.webSocketConnections.dec());
  });
  const disposable = useServer<Record<string, unknown> | undefined, Extra>(
    {
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const header = (params.authorization ?? params.Authorization ?? ctx.extra.request.headers.authorization) as string | undefined;
        const auth = await authenticate(services.prisma, header);
        if (auth.kind === 'invalid') return false; // closes with 4403 Forbidden
        const extra = ctx.extra as Extra;
        extra.actor = auth.kind === 'ok' ? auth.actor : null;
        extra.header = header;
        // Subscriptions live for hours: a token revoked or expired meanwhile ends the connection.
        if (extra.actor) {
          extra.recheck = setInterval(() => {
            void authenticate(services.prisma, header).then(
              (again) => {
                if (again.kind === 'invalid') ctx.extra.socket.close(FORBIDDEN, again.reason);
              },
              () => {}, // the database is unreachable: keep the connection, check again later
            );
          }, recheckMs);
          extra.recheck.unref();
        }
        return true;
      },
      onClose: (ctx) => clearInterval((ctx.extra as Extra).recheck),
      execute: (args) => (args.rootValue as { execute(a: ExecutionArgs): unknown }).execute(args) as never,
      subscribe: (args) => (args.rootValue as { subscribe(a: ExecutionArgs): unknown }).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        // graphql-ws registers the operation before this hook, so the count includes it. Over the cap it is refused; the socket stays.
        if (Object.keys(ctx.subscriptions).length > maxSubscriptionsPerSocket) {
          return [new GraphQLError(`This connection already runs ${maxSubscriptionsPerSocket} operations, the most one socket may: complete one first`, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })];
        }
        // Every operation spends the same budget as an HTTP request: its token's, or its address's without one.
        try {
          await rateLimits.consume((ctx.extra as Extra).actor ?? null, addressOf(ctx.extra.request));
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        // Each new operation checks the token again, so a revoked one starts nothing.
        if ((ctx.extra as Extra).actor) {
          const again = await authenticate(services.prisma, (ctx.extra as Extra).header);
          if (again.kind === 'invalid') {
            ctx.extra.socket.close(FORBIDDEN, again.reason);
            return [new GraphQLError(again.reason, { extensions: { code: 'UNAUTHENTICATED' } })];
          }
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          actor: (ctx.extra as Extra).actor ?? null,
          connectionParams: ctx.connectionParams,
          params,
        } as never);
        // A refused document (syntax, token limit) or context is answered on this operation only.
        try {
          const document = parse(params.query);
          const errors = validate(schema, document);
          if (errors.length) return errors;
          return {
            schema,
            operationName: params.operationName,
            document,
            variableValues: params.variables,
            contextValue: await contextFactory(),
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
  return {
    wss,
    async close() {
      for (const client of wss.clients) client.terminate();
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
