/**
 * Walks a Relay connection page by page (100 per page, the most a page may hold) and returns the
 * ids in the order served, for tests about ordering, filters and cursors over several pages.
 */
import { expect } from 'vitest';
import type { GqlResult } from './app.js';

type Gql = (query: string, variables?: Record<string, unknown>, token?: string | null) => Promise<GqlResult>;

/** `query` takes `$first` and `$after` and selects `field { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } }`. */
export async function walkConnection(gql: Gql, query: string, field: string, variables: Record<string, unknown>, token?: string) {
  const ids: string[] = [];
  let after: string | null = null;
  let totalCount = -1;
  for (let pages = 0; pages < 50; pages++) {
    const r = await gql(query, { ...variables, first: 100, after }, token);
    expect(r.errors).toBeUndefined();
    const connection = r.data[field];
    totalCount = connection.totalCount;
    expect(connection.edges.length).toBeLessThanOrEqual(100);
    ids.push(...connection.edges.map((e: { node: { id: string } }) => e.node.id));
    if (!connection.pageInfo.hasNextPage) return { ids, totalCount };
    after = connection.pageInfo.endCursor;
  }
  throw new Error(`${field}: more than 50 pages`);
}

/** Ascending comparison of strings or numbers, for the expected orders tests compute. */
export const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
