/** What the catalog, orders and conflicts pages share: the filters' choices and the catalog events. */
import type { Client, RequestPolicy } from '@urql/core';
import { useQuery, useSubscription } from '@urql/preact';
import { ACCOUNT_CHOICES, CATALOG_EVENTS, CHANNEL_CHOICES } from './operations';
import { fetchAllNodes } from './paging';

/** What changes a listing on screen: a user's edit, a synced value, a push's step, the stock pool moving. */
const CATALOG_EVENT_TYPES = ['listing.price_changed', 'listing.stock_changed', 'listing.push_updated', 'stock.changed'];
/** Events within this time cost one read of the page (a push settles a few hundred ms after the edit). */
export const CATALOG_REFETCH_MS = 300;

export const loadAccounts = (client: Client, requestPolicy: RequestPolicy) => fetchAllNodes(client, ACCOUNT_CHOICES, (data) => data.accounts, requestPolicy);

/** Counts the catalog events heard; the pages read again when it moves. */
export function useCatalogEvents(): number {
  const [events] = useSubscription({ query: CATALOG_EVENTS, variables: { types: CATALOG_EVENT_TYPES } }, (count: number = 0) => count + 1);
  return events.data ?? 0;
}

/** Every channel the service knows, for the channel filters. */
export function useChannels(): string[] {
  const [result] = useQuery({ query: CHANNEL_CHOICES });
  return result.data?.channels.map((c) => c.channel) ?? [];
}

