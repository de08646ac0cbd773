/**
 * Persisted operations. The service's own clients (dashboard, CLI, client-examples) send the
 * sha256 hash of a document from the manifest written at build (persisted-operations.json,
 * scripts/build-operations.ts); third-party clients may register documents with Automatic
 * Persisted Queries (hash first; PersistedQueryNotFound; then hash and document). Hash lookup over
 * HTTP is @graphql-yoga/plugin-persisted-operations'; registration and the policy are here,
 * shared with the WebSocket path (websocket.ts), which Yoga's onParams hooks never see.
 *
 * PERSISTED_OPERATIONS=allow (default): any document, manifest hashes and APQ.
 * PERSISTED_OPERATIONS=only: manifest hashes only; no APQ registration; an arbitrary document is
 * run only for an ADMIN token (GraphiQL is an administrator's tool) or when it is introspection
 * alone (GraphiQL's docs explorer and code generators); everyone else gets PERSISTED_QUERY_ONLY.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GraphQLError, Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { Actor } from '../core/services.js';

export type PersistedOperationsMode = 'allow' | 'only';

/** Registered APQ documents kept in memory (per instance) or in Redis (shared), and for how long. */
const APQ_MAX_ENTRIES = 1000;
const APQ_TTL_SECONDS = 24 * 3600;
// Under the deployment's namespace, which the Redis client adds (redis-link.ts).
const APQ_KEY_PREFIX = 'stockline:apq:';

const manifestSchema = z.record(z.string().regex(/^[0-9a-f]{64}$/), z.string().min(1));
const persistedQuerySchema = z.object({ version: z.literal(1), sha256Hash: z.string().regex(/^[0-9a-f]{64}$/) });

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** The build's manifest (hash -> document); read once. */
export function loadManifest(path = new URL('./persisted-operations.json', import.meta.url)): ReadonlyMap<string, string> {
  return new Map(Object.entries(manifestSchema.parse(JSON.parse(readFileSync(path, 'utf8')))));
}

/** Where registered APQ documents live: bounded in memory, or Redis (with a TTL) when the service has one. */
interface ApqStore {
  get(hash: string): Promise<string | null>;
  set(hash: string, document: string): Promise<void>;
}

function apqStore(redis: Redis | undefined): ApqStore {
  if (redis) {
    return {
      get: (hash) => redis.get(APQ_KEY_PREFIX + hash),
      set: async (hash, document) => void (await redis.set(APQ_KEY_PREFIX + hash, document, 'EX', APQ_TTL_SECONDS)),
    };
  }
  const cache = new LRUCache<string, string>({ max: APQ_MAX_ENTRIES, ttl: APQ_TTL_SECONDS * 1000 });
  return { get: async (hash) => cache.get(hash) ?? null, set: async (hash, document) => void cache.set(hash, document) };
}

/** The errors APQ clients recognise (urql and Apollo match the message), with our codes. */
export const persistedErrors = {
  notFound: () => new GraphQLError('PersistedQueryNotFound', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }),
  hashMismatch: () => new GraphQLError('The persisted query hash is not the sha256 of the document sent with it', { extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH', http: { status: 400 } } }),
  only: () =>
    new GraphQLError('This service runs persisted operations only (PERSISTED_OPERATIONS=only): send the hash of a document from its manifest', {
      extensions: { code: 'PERSISTED_QUERY_ONLY' },
    }),
};

/** `extensions.persistedQuery.sha256Hash` when well formed; a malformed one is ignored like an absent one. */
export function persistedHashOf(extensions: unknown): string | null {
  const parsed = persistedQuerySchema.safeParse((extensions as { persistedQuery?: unknown } | null | undefined)?.persistedQuery);
  return parsed.success ? parsed.data.sha256Hash : null;
}

/** Only `__schema`, `__type` and `__typename` at the root of every operation. */
function isIntrospectionOnly(document: DocumentNode): boolean {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return (
    operations.length > 0 &&
    operations.every((operation) => operation.operation === 'query' && operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__')))
  );
}

export interface PersistedOperations {
  mode: PersistedOperationsMode;
  /** The document of a manifest hash, or (allow) of a registered APQ hash. */
  lookup(hash: string): Promise<string | null>;
  /**
   * A request bringing a document: registers it under its hash when it has one (allow), and says
   * whether it is arbitrary (not a manifest document), i.e. subject to `mayRunArbitrary`.
   */
  receive(document: string, hash: string | null): Promise<{ arbitrary: boolean }>;
  /** Whether this caller may run this arbitrary document under the mode. */
  mayRunArbitrary(actor: Actor | null | undefined, document: DocumentNode): boolean;
}

export function createPersistedOperations(mode: PersistedOperationsMode, redis?: Redis, manifest = loadManifest()): PersistedOperations {
  const store = mode === 'allow' ? apqStore(redis) : null;
  const manifestTexts = new Set(manifest.values());
  return {
    mode,
    async lookup(hash) {
      return manifest.get(hash) ?? (store ? await store.get(hash) : null);
    },
    async receive(document, hash) {
      if (hash !== null && sha256Hex(document) !== hash) throw persistedErrors.hashMismatch();
      if (manifestTexts.has(document)) return { arbitrary: false };
      if (hash !== null && store) await store.set(hash, document);
      return { arbitrary: true };
    },
    mayRunArbitrary(actor, document) {
      return mode === 'allow' || actor?.role === 'ADMIN' || isIntrospectionOnly(document);
    },
  };
}

/**
 * The HTTP side: documents are received (registered, marked arbitrary) before the library looks
 * hashes up; an arbitrary one is checked once the caller is known (context) and the document parsed.
 */
export function usePersistedDocuments(persisted: PersistedOperations): Plugin[] {
  const arbitrary = new WeakSet<Request>();
  const check = ({ args, setResultAndStopExecution }: { args: { contextValue: unknown; document: DocumentNode }; setResultAndStopExecution(result: { errors: GraphQLError[] }): void }) => {
    const { request, actor } = args.contextValue as { request?: Request; actor?: Actor | null };
    if (request && arbitrary.has(request) && !persisted.mayRunArbitrary(actor, args.document)) setResultAndStopExecution({ errors: [persistedErrors.only()] });
  };
  const receive: Plugin = {
    async onParams({ params, request }) {
      if (typeof params.query !== 'string' || params.query === '') return;
      const { arbitrary: isArbitrary } = await persisted.receive(params.query, persistedHashOf(params.extensions));
      if (isArbitrary) arbitrary.add(request);
    },
    onExecute: check,
    onSubscribe: check,
  };
  const lookup = usePersistedOperations({
    getPersistedOperation: (hash) => persisted.lookup(hash),
    // Documents are let through here and judged by `check` above, which knows the caller.
    allowArbitraryOperations: true,
    extractPersistedOperationId: (params) => persistedHashOf(params.extensions),
    customErrors: {
      notFound: () => persistedErrors.notFound(),
      // Neither a document nor a hash: Yoga's own answer to a request without a query.
      keyNotFound: () => new GraphQLError('Must provide query string.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } }),
    },
  });
  return [receive, lookup];
}

/**
 * The WebSocket side: the document of a subscribe message (its `query`, or its persisted hash's),
 * or the error to answer that operation with.
 */
export async function socketDocument(persisted: PersistedOperations, params: { query?: unknown; extensions?: unknown }): Promise<{ query: string; arbitrary: boolean } | GraphQLError> {
  const hash = persistedHashOf(params.extensions);
  try {
    if (typeof params.query === 'string' && params.query !== '') return { query: params.query, ...(await persisted.receive(params.query, hash)) };
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  const query = hash === null ? null : await persisted.lookup(hash);
  return query === null ? persistedErrors.notFound() : { query, arbitrary: false };
}
