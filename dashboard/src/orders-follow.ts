/** The orders pages follow order events: a new order or a status change is read again without a reload. */
import { useSubscription } from '@urql/preact';
import { useOnReconnect } from './connection';
import { useCoalesced } from './hooks';
import { ORDER_EVENTS } from './operations';

const ORDER_EVENT_TYPES = ['order.created', 'order.status_changed'];
const REFETCH_AFTER_MS = 1_000;

/** Re-reads after order events (coalesced) and after a reconnection. */
export function useFollowOrders(refetch: (options: { requestPolicy: 'network-only' }) => void) {
  const [events] = useSubscription({ query: ORDER_EVENTS, variables: { types: ORDER_EVENT_TYPES } }, (count: number = 0) => count + 1);
  const reread = () => refetch({ requestPolicy: 'network-only' });
  useCoalesced(events.data ?? 0, REFETCH_AFTER_MS, reread);
  useOnReconnect(reread);
  return reread;
}

