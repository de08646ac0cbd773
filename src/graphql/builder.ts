import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
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

/** The schema builder. It defines no types: each module adds its own (see src/graphql/schema.ts). */
export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  Scalars: Scalars;
  AuthScopes: { viewer: boolean; operator: boolean; admin: boolean };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: true;
}>({
  plugins: [ScopeAuthPlugin, SimpleObjectsPlugin, PrismaPlugin, RelayPlugin, ComplexityPlugin],
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
    maxConnectionSize: 100,
    defaultConnectionSize: 20,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'error',
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: false,
    nodesQueryOptions: false,
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
