import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import ArgRulesPlugin from './arg-rules.plugin.js';
import { GraphQLError, isListType, getNullableType, getNamedType } from 'graphql';
import type PrismaTypes from '../generated/pothos-types.js';
import { getDatamodel } from '../generated/pothos-types.js';
import type { Context } from './context.js';
import { roleAtLeast } from '../modules/access/roles.js';

export type Scalars = {
  DateTime: { Input: Date; Output: Date | string };
  Date: { Input: Date; Output: Date | string };
  JSON: { Input: unknown; Output: unknown };
  /** Money and other exact decimals, as a string ("12.50"): never a float. */
  Decimal: { Input: string; Output: string | { toString(): string } };
  /** An upload (GraphQL multipart request spec); input only. */
  File: { Input: File; Output: never };
};

/** Page sizes of every list with a `first` argument, connections and hand-built lists alike. */
export const PAGE_SIZE = { default: 20, max: 100 };
/**
 * The one page-size rule (issue 15): a `first` above the maximum is cut down to it, not refused,
 * and every `first` argument's description says so (tests/sync/page-size.test.ts walks the schema).
 */
export const PAGE_SIZE_RULE = `at most ${PAGE_SIZE.max}: a larger number is cut down to ${PAGE_SIZE.max}`;

/** The schema builder. It defines no types: each module adds its own (see src/graphql/schema.ts). */
export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  Scalars: Scalars;
  AuthScopes: { viewer: boolean; operator: boolean; admin: boolean };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: true;
}>({
  // Wrappers run in this order: auth and the complexity limit before any argument rule.
  plugins: [ScopeAuthPlugin, SimpleObjectsPlugin, PrismaPlugin, RelayPlugin, ComplexityPlugin, ArgRulesPlugin],
  defaultFieldNullability: false,
  defaultInputFieldRequiredness: true,
  scopeAuth: {
    authScopes: (ctx) => ({
      viewer: roleAtLeast(ctx.actor?.role, 'VIEWER'),
      operator: roleAtLeast(ctx.actor?.role, 'OPERATOR'),
      admin: roleAtLeast(ctx.actor?.role, 'ADMIN'),
    }),
    authorizeOnSubscribe: true,
    unauthorizedError: (_parent, ctx, info, result) =>
      ctx.actor
        ? new GraphQLError(`Forbidden: your token's role (${ctx.actor.role}) may not use ${info.parentType.name}.${info.fieldName}`, {
            extensions: { code: 'FORBIDDEN', http: { status: 403 } },
          })
        : new GraphQLError('Authentication required: send "Authorization: Bearer <token>"', {
            extensions: { code: 'UNAUTHENTICATED', http: { status: 401 }, reason: result.message },
          }),
  },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    maxConnectionSize: PAGE_SIZE.max,
    defaultConnectionSize: PAGE_SIZE.default,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'error',
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    // The connection types, their fields and arguments are described once, here.
    defaultConnectionTypeOptions: { description: 'One page of a list: its items with their cursors (edges), and where the page stands in the list (pageInfo).' },
    defaultEdgeTypeOptions: { description: 'One item of a page, with the cursor that points at it.' },
    pageInfoTypeOptions: { description: 'Where a page stands in its list: the cursors to continue from, and whether more items lie before or after.' },
    edgesFieldOptions: { description: 'The items of this page, in the list\'s order.' },
    nodeFieldOptions: { description: 'The item.' },
    cursorFieldOptions: { description: 'Opaque position of this item: pass it as `after` (or `before`) to continue from here.' },
    pageInfoFieldOptions: { description: 'Cursors and whether more pages follow.' },
    hasNextPageFieldOptions: { description: 'Whether items follow this page (always true when paging back with `before`).' },
    hasPreviousPageFieldOptions: { description: 'Whether items precede this page (always true when paging on with `after`).' },
    startCursorFieldOptions: { description: 'Cursor of the first item of this page; null when the page is empty.' },
    endCursorFieldOptions: { description: 'Cursor of the last item of this page: pass it as `after` for the next page; null when the page is empty.' },
    firstArgOptions: {
      description: `How many items to return from the start, or after \`after\`: default ${PAGE_SIZE.default}, ${PAGE_SIZE_RULE}; 0 or more. Counts toward the query's complexity limit.`,
    },
    lastArgOptions: { description: `How many items to return from the end, or before \`before\`; same limits as \`first\`. Not with \`after\`.` },
    afterArgOptions: { description: "Return the items after this cursor (an edge's cursor or pageInfo.endCursor). Not with `before` or `last`." },
    beforeArgOptions: { description: "Return the items before this cursor (an edge's cursor or pageInfo.startCursor). Not with `after` or `first`." },
  },
  complexity: {
    // A connection costs its page size; its edges list is already counted by that multiplier.
    fieldComplexity: (args, _ctx, field) => {
      const first = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : undefined;
      if (first !== undefined) return { field: 1, multiplier: Math.max(1, first) };
      const type = getNullableType(field.type);
      if (isListType(type)) return { field: 1, multiplier: getNamedType(type).name.endsWith('Edge') ? 1 : 10 };
      return { field: 1, multiplier: 1 };
    },
    limit: (ctx) => ctx.limits,
    complexityError: (kind, result) => {
      const key = String(kind).toLowerCase() as 'depth' | 'breadth' | 'complexity';
      const max = { depth: result.maxDepth, breadth: result.maxBreadth, complexity: result.maxComplexity }[key];
      return new GraphQLError(`Query ${key} is ${result[key]}, over the limit of ${max}: ask for fewer or smaller pages`, {
        extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } },
      });
    },
  },
});
