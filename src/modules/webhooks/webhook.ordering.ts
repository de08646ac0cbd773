/**
 * The ordering key of an event: the object it is about, so that the deliveries of one object reach
 * a receiver in commit order (an older status never lands after a newer one). Events about no
 * single object (an import's summary) have none and are sent as they come.
 */
import type { DomainEvent } from '../../events/event-types.js';

const idOf = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);
const nested = (value: unknown): string | null => (value && typeof value === 'object' ? idOf((value as { id?: unknown }).id) : null);

/** `batch:<id>`, `work_center:<id>`, `listing:<id>`, `order:<id>`, `product:<id>` or `account:<id>`; null when the event names no object. */
export function orderingKeyOf(event: Pick<DomainEvent, 'type' | 'payload'>): string | null {
  const p = event.payload;
  const key = (kind: string, id: string | null) => (id ? `${kind}:${id}` : null);
  const [domain] = event.type.split('.');
  switch (domain) {
    case 'batch':
    case 'product':
      return key('batch', idOf(p.batchId) ?? nested(p.batch));
    case 'work_center':
      return key('work_center', nested(p.workCenter));
    case 'listing':
      return key('listing', idOf(p.listingId));
    case 'order':
      return key('order', idOf(p.orderId));
    case 'stock':
      return key('product', idOf(p.productId));
    case 'sync':
    case 'alert':
      return key('account', idOf(p.accountId));
    default:
      return null;
  }
}
