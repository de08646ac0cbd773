import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { ExecutionArgs } from 'graphql';
import type { AppServices, Actor } from './context.js';
import type { createGraphQLHandler } from './yoga.js';
import { authenticate } from '../modules/access/token.service.js';

/** `counted`: ids of this connection's subscriptions in the subscriptions gauge. */
type Extra = { actor?: Actor | null; counted?: Set<string> };

/**
 * graphql-ws on the same port and path as HTTP, executing through Yoga's envelop so plugins,
 * context and limits are the same. The token comes in connectionParams.authorization (browsers
 * cannot set headers on a WebSocket) or the upgrade request's Authorization header.
 */
export function attachWebSocket(server: Server, yoga: ReturnType<typeof createGraphQLHandler>, services: AppServices) {
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
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
        (ctx.extra as Extra).actor = auth.kind === 'ok' ? auth.actor : null;
        return true;
      },
      // A subscription counts from the moment its stream exists until it ends, however it ends:
      // completed by either side, failed, or its socket closed (onClose uncounts any left).
      onOperation: (ctx, id, _params, _args, result) => {
        if (!metrics || typeof (result as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] !== 'function') return;
        ((ctx.extra as Extra).counted ??= new Set()).add(id);
        metrics.subscriptions.inc();
      },
      onComplete: (ctx, id) => {
        if ((ctx.extra as Extra).counted?.delete(id)) metrics?.subscriptions.dec();
      },
      onClose: (ctx) => {
        const counted = (ctx.extra as Extra).counted;
        if (counted?.size) metrics?.subscriptions.dec(counted.size);
        counted?.clear();
      },
      execute: (args) => (args.rootValue as { execute(a: ExecutionArgs): unknown }).execute(args) as never,
      subscribe: (args) => (args.rootValue as { subscribe(a: ExecutionArgs): unknown }).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          actor: (ctx.extra as Extra).actor ?? null,
          connectionParams: ctx.connectionParams,
          params,
        } as never);
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
