import { queryFromInfo } from '@pothos/plugin-prisma';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from './context.js';
import type { RowQuery } from '../core/row-query.js';

/**
 * What a delete payload's `key` selects (relations and counts too), as a prisma query. Deletes read
 * the row with it before the row goes: the payload then answers from that read, since the plugin
 * would otherwise reload a missing relation from a row that no longer exists (P2025).
 */
export function selectionUnder(ctx: Context, info: GraphQLResolveInfo, key: string): RowQuery {
  return queryFromInfo({ context: ctx, info, path: [key] }) as RowQuery;
}
