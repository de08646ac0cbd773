import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { createPrebuiltExecute } from './prebuilt-fields.js';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Env } from '../env.js';
import type { AppServices, Actor } from '../core/services.js';
import type { Context } from './context.js';
import { schema } from './schema.js';
import { authenticate } from '../modules/access/token.service.js';
import { createRequestRateLimits, type RequestRateLimits } from './token-rate-limit.js';
import { addressOf, REQUEST_BODY_CAP, useRequestBodyCap, useRequestLimits } from './request-limits.plugin.js';
import { introspectionEnabled, useDocumentLimits } from './document-limits.js';
import { useEchoTruncation } from './echo-truncation.js';
import { useUploadLimit } from '../modules/files/upload-limit.plugin.js';
import { useAdmission } from '../http/admission.plugin.js';
import { corsOriginPolicy, type OriginPolicy } from '../http/cors.js';
import { corsOptions, useVaryOrigin } from '../http/cors.plugin.js';
import { useWellFormedText } from './text-input.plugin.js';
import { useSecretRedaction } from './secret-redaction.js';
import { yogaLogging } from './yoga-logging.js';
import { graphiqlOptions, renderGraphiQL } from './graphiql.js';
import { createPersistedOperations, usePersistedDocuments, type PersistedOperations } from './persisted-operations.js';
import { useGraphQLMetrics, useSubscriptionGauge } from '../modules/metrics/graphql-metrics.plugin.js';
import { useRevokedTokenStreams } from './revoked-token-streams.plugin.js';
import { useSharedSubscriptions } from './shared-subscriptions.plugin.js';

type ServerContext = { connectionParams?: Record<string, unknown>; actor?: Actor | null; req?: IncomingMessage };

/** Yoga plus what the WebSocket server enforces the same way (src/graphql/websocket.ts). */
export type GraphQLHandler = YogaServerInstance<ServerContext, Context> & {
  requestLimits: { rateLimits: RequestRateLimits; maxBodyBytes: number; maxSubscriptionsPerSocket: number };
  /** The browser origins allowed by CORS, which WebSocket upgrades follow too. */
  allowsOrigin: OriginPolicy;
  /** Manifest, APQ store and PERSISTED_OPERATIONS policy, for the WebSocket path too. */
  persisted: PersistedOperations;
};

/**
 * Health is /healthz and /readyz (modules/monitoring/health.route.ts), answered before Yoga.
 * Yoga 5 cannot turn its own check off: it answers 200 to any URL that *ends* with this endpoint
 * (`/api/sync/health`, `/graphql?x=/health`). A space never occurs in a request target (Node's
 * parser refuses one), so no request matches this value.
 */
const NO_HEALTH_CHECK = '/ health check disabled';

/** Resolves the caller of an HTTP request; a bad token is a 401, never anonymous access. */
async function actorFromRequest(services: AppServices, request: Request, beforeLookup: () => Promise<void>): Promise<Actor | null> {
  const auth = await authenticate(services, request.headers.get('authorization'), beforeLookup);
  if (auth.kind === 'invalid') throw new GraphQLError(auth.reason, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  return auth.kind === 'ok' ? auth.actor : null;
}

/**
 * Envelop's useEngine({ execute }), which graphql-yoga does not re-export, with the short-cut for
 * root fields a read path answers whole (prebuilt-fields.ts) under the request's complexity limits.
 */
const prebuiltExecute = createPrebuiltExecute((ctx) => (ctx as Partial<Context>).limits);
const useGraphQLJsExecute = (): Plugin => ({ onExecute: ({ setExecuteFn }) => setExecuteFn(prebuiltExecute) });

export function createGraphQLHandler(env: Env, services: AppServices, options: { tokenRecheckMs?: number } = {}): GraphQLHandler {
  const rateLimits = createRequestRateLimits(env.API_RATE_LIMIT_PER_MINUTE, env.API_ANONYMOUS_RATE_LIMIT_PER_MINUTE, services.redis);
  const limits = { depth: env.GRAPHQL_MAX_DEPTH, complexity: env.GRAPHQL_MAX_COMPLEXITY, breadth: 500 };
  // Before any GraphQL work: body size and the anonymous budget, then tokens, breadth and introspection per document.
  const limitPlugins = [
    useRequestLimits({ maxBodyBytes: env.GRAPHQL_MAX_BODY_BYTES, rateLimits }),
    useDocumentLimits({ maxTokens: env.GRAPHQL_MAX_TOKENS, maxBreadth: limits.breadth, introspection: introspectionEnabled(env) }),
  ];
  const allowsOrigin = corsOriginPolicy(env);
  const persisted = createPersistedOperations(env.PERSISTED_OPERATIONS, services.redis);
  const yoga = createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    healthCheckEndpoint: NO_HEALTH_CHECK,
    // Enforced by useRequestBodyCap instead, which spares a body with a Content-Length Yoga's byte-counting stream.
    maxRequestBodySize: false,
    // Yoga's default reflects every Origin: only CORS_ORIGINS (and the service's own origins) get CORS headers.
    cors: corsOptions(allowsOrigin),
    // Multipart uploads stop at UPLOAD_MAX_BYTES; importBatches answers an oversized one with a typed error.
    // Operation counts, latency, errors and open subscriptions go to this app's registry (/metrics).
    // Secret inputs are redacted from errors first, before masking logs them (src/graphql/secret-redaction.ts).
    // Echoes are truncated after secrets are redacted, so an excerpt never holds part of a secret.
    // Metrics come first so that every later plugin's refusal is counted; admission last, after the cheap refusals.
    // Persisted hashes become documents before admission and the text checks read them.
    // Queries and mutations run on graphql-js' own executor: Yoga's default (@graphql-tools/executor,
    // for @defer/@stream, which this schema does not offer) spent ~12 % more CPU on the batch page
    // (issue 17). Subscriptions keep Yoga's.
    // A revoked or expired token's SSE subscriptions end on every instance (the revoke event, a periodic check). Subscribers
    // of the same operation and role share one execution per event.
    plugins: [useGraphQLJsExecute(), useSharedSubscriptions(), useRevokedTokenStreams(services, { recheckMs: options.tokenRecheckMs }), useVaryOrigin(), ...(services.metrics ? [useGraphQLMetrics(services.metrics), useSubscriptionGauge(services.metrics)] : []), ...limitPlugins, ...usePersistedDocuments(persisted), useSecretRedaction(), useEchoTruncation(), useUploadLimit(env.UPLOAD_MAX_BYTES), useWellFormedText(), ...(services.admission ? [useAdmission(services.admission)] : []), useRequestBodyCap(REQUEST_BODY_CAP)],
    logging: yogaLogging(services.logger),
    graphiql: graphiqlOptions,
    renderGraphiQL,
    maskedErrors: {
      maskError(error, message, isDev) {
        const original = (error as GraphQLError).originalError;
        // Errors we raise on purpose (auth, limits, bad input) carry a code: show them as they are.
        if (error instanceof GraphQLError && (error.extensions?.code || !original)) return error;
        // A scalar's own refusal (a bad Decimal or Date in the variables) wrapped by graphql-js: bad input, not a bug.
        if (error instanceof GraphQLError && original instanceof GraphQLError) {
          return new GraphQLError(error.message, { nodes: error.nodes, path: error.path, extensions: { code: 'BAD_USER_INPUT' } });
        }
        services.logger.error({ err: original ?? error }, 'unexpected error while executing GraphQL');
        return new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR', ...(isDev ? { detail: String(original ?? error) } : {}) } });
      },
    },
    context: async (initial) => {
      // A WebSocket operation was authenticated at connect and counted when it arrived (websocket.ts).
      if ('actor' in initial && initial.actor !== undefined) return { ...services, actor: initial.actor, limits };
      const address = addressOf(initial.req);
      // A token not in the token cache spends its address's lookup budget before it is looked up.
      const actor = await actorFromRequest(services, initial.request, () => rateLimits.consumeLookup(address));
      // A token holder spends the token's budget; a request with no Authorization header was counted per address before parsing.
      if (actor) await rateLimits.consume(actor, address);
      return { ...services, actor, limits };
    },
  });
  return Object.assign(yoga, {
    allowsOrigin,
    persisted,
    requestLimits: { rateLimits, maxBodyBytes: env.GRAPHQL_MAX_BODY_BYTES, maxSubscriptionsPerSocket: env.GRAPHQL_MAX_SUBSCRIPTIONS_PER_SOCKET },
  });
}
