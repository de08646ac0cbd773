/** Every domain event the system publishes, with a one-line description (served by `eventTypes`). */
export const eventTypes = {
  'work_center.created': 'A work center was created.',
  'work_center.updated': 'A work center was renamed or re-identified.',
  'work_center.deleted': 'A work center was deleted.',
  'batch.created': 'A production batch was created.',
  'batch.updated': 'Fields of a production batch changed.',
  'batch.closed': 'A batch was closed.',
  'batch.opened': 'A closed batch was reopened.',
  'batch.deleted': 'A closed batch was deleted with its units.',
  'batch.product_added': 'A unit was added to a batch.',
  'batch.product_removed': 'A unit was removed from a batch.',
  'batch.aggregated': 'Units of a batch were aggregated.',
  'product.aggregated': 'One unit was aggregated.',
  'batch.report_generated': 'A batch report finished generating.',
  'batch.import_completed': 'A batch import finished.',
  'sync.started': 'A sync run started.',
  'sync.completed': 'A sync run finished (SUCCESS or PARTIAL).',
  'sync.failed': 'A sync run failed.',
  'listing.price_changed': 'A listing price changed.',
  'listing.stock_changed': 'A listing stock changed.',
  'listing.push_updated': "A user's price or stock edit reached the marketplace (PUSHED), failed an attempt (RETRYING) or was given up (FAILED), with the marketplace's message.",
  'order.created': "A new order arrived (not sent for the orders an account's first sync imports: that history is counted in sync.completed).",
  'order.status_changed': 'An order changed status.',
  'stock.changed': "A product's pool changed (production, an order line, an adjustment, a count or a transfer): its on hand, reserved and available, and the cause.",
  'alert.raised': 'A monitoring alert was raised.',
  'webhook.disabled': 'A webhook subscription was disabled: its endpoint failed for the whole health window, or answered 410 Gone.',
} as const;

export type EventType = keyof typeof eventTypes;

/** Version of every event's payload shape (served by `eventTypes`). */
export const EVENT_VERSION = 1;

export const eventTypeNames = Object.keys(eventTypes) as EventType[];

export function isEventType(name: string): name is EventType {
  return Object.hasOwn(eventTypes, name);
}

export interface DomainEvent {
  /** Unique per event; webhook bodies carry it as `id` (each delivery also has its own id, X-Webhook-Id). */
  id: string;
  type: EventType;
  /** ISO 8601; a string so the event survives JSON transport (Redis) unchanged. */
  occurredAt: string;
  /** Token name of whoever caused it, or "system". */
  actor: string;
  payload: Record<string, unknown>;
}
