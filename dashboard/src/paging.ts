/**
 * Whole lists read through Relay connections page after page (the API serves at most 100 items a
 * page: a single `first: 100` silently cut the accounts and schedules beyond that), and a hook
 * that loads such a list and knows when its answer was asked for.
 */
import type { Client, CombinedError, RequestPolicy, TypedDocumentNode } from '@urql/core';
import { useClient } from '@urql/preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Connection<N> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: N }[];
}

/** The largest page the API serves. */
export { PAGE_INFO, PAGE_MAX } from './operations';
/** A bound on the pages read (10 000 items), so a connection that never ends cannot loop forever. */
const MAX_PAGES = 100;

/** Every node of a connection; `query` takes `$after` and asks for PAGE_INFO and PAGE_MAX items. */
export async function fetchAllNodes<D, N>(client: Client, query: TypedDocumentNode<D, { after: string | null }>, pick: (data: D) => Connection<N>, requestPolicy: RequestPolicy): Promise<N[]> {
  const nodes: N[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await client.query(query, { after }, { requestPolicy }).toPromise();
    if (result.error) throw result.error;
    if (!result.data) throw new Error('The server answered without data.');
    const connection = pick(result.data);
    nodes.push(...connection.edges.map((edge) => edge.node));
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
    after = connection.pageInfo.endCursor;
  }
  return nodes;
}

export interface Loaded<T> {
  data?: T;
  error?: CombinedError | string;
  fetching: boolean;
  /** performance.now() when the request that `data` answers was sent (0 before any answer). */
  requestedAt: number;
}

/**
 * Runs `load` on mount and on each `reload(policy)` (default network-only). Answers may come back
 * out of order: one asked for before the answer shown is dropped.
 */
export function useLoad<T>(load: (client: Client, requestPolicy: RequestPolicy) => Promise<T>): [Loaded<T>, (requestPolicy?: RequestPolicy) => void] {
  const client = useClient();
  const [state, setState] = useState<Loaded<T>>({ fetching: true, requestedAt: 0 });
  const latest = useRef(load);
  latest.current = load;
  const shownAt = useRef(0);
  const pending = useRef(0);
  const reload = useCallback(
    (requestPolicy: RequestPolicy = 'network-only') => {
      const requestedAt = performance.now();
      pending.current += 1;
      setState((current) => ({ ...current, fetching: true }));
      const settle = (next: Partial<Loaded<T>>) => {
        pending.current -= 1;
        const newest = requestedAt >= shownAt.current;
        if (newest) shownAt.current = requestedAt;
        setState((current) => ({ ...current, ...(newest ? next : {}), fetching: pending.current > 0 }));
      };
      latest.current(client, requestPolicy).then(
        (data) => settle({ data, error: undefined, requestedAt }),
        (error: unknown) => settle({ error: isCombinedError(error) ? error : String(error) }),
      );
    },
    [client],
  );
  useEffect(() => reload(), [reload]);
  return [state, reload];
}

function isCombinedError(value: unknown): value is CombinedError {
  return typeof value === 'object' && value !== null && 'graphQLErrors' in value;
}
