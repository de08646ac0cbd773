/**
 * What writing one page produces besides the rows themselves: counts, per-record failures,
 * history records, conflicts, outbox changes and the domain events to publish after commit.
 */
import type { Tx } from '../../db/transaction.js';
import type { EventType } from '../../events/event-types.js';
import { recordChanges } from '../catalog/change-record.service.js';
import { noEdits, type EditCounts } from './conflict-policy.js';

export interface RecordFailure {
  externalId: string;
  sku?: string;
  reason: string;
}

export interface PageOutcome {
  created: number;
  updated: number;
  unchanged: number;
  /** Unconfirmed edits that met a remote change on the page, by what the strategy did with them. */
  edits: EditCounts;
  repushed: number;
  failures: RecordFailure[];
  maxRemoteUpdatedAt: Date | null;
  events: [EventType, Record<string, unknown>][];
}

export const emptyOutcome = (): PageOutcome => ({
  created: 0,
  updated: 0,
  unchanged: 0,
  edits: noEdits(),
  repushed: 0,
  failures: [],
  maxRemoteUpdatedAt: null,
  events: [],
});

export interface ChangeRow {
  entityType: 'Listing' | 'Order';
  entityId: string;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  source: 'SYNC' | 'CONFLICT_RESOLUTION';
}

export interface ConflictRow {
  listingId: string | null;
  orderId: string | null;
  field: 'PRICE' | 'STOCK' | 'ORDER_STATUS';
  localValue: string;
  remoteValue: string;
  /** The marketplace's value the local edit was made against. */
  baseValue: string;
  localChangedAt: Date;
  remoteChangedAt: Date | null;
}

export interface PushRef {
  listingId: string;
  kind: 'PRICE' | 'STOCK';
}

/** Values the sync changed, kept beside users' edits in the same history. */
export function recordSyncChanges(tx: Tx, changes: ChangeRow[]) {
  return recordChanges(tx, changes.map((change) => ({ ...change, actor: 'sync' })));
}

/** Pending pushes of a value the sync replaced (or put in conflict) must not overwrite the marketplace. */
export async function supersedePushes(tx: Tx, refs: PushRef[]): Promise<void> {
  if (refs.length === 0) return;
  await tx.$executeRawUnsafe(
    `UPDATE "PushJob" j SET status = 'SUPERSEDED', "finishedAt" = now()
       FROM jsonb_to_recordset($1::jsonb) AS r("listingId" uuid, kind text)
      WHERE j.status = 'PENDING' AND j."listingId" = r."listingId" AND j.kind::text = r.kind`,
    JSON.stringify(refs),
  );
}

/** The local value won over a remote change: make sure a push of it is queued. */
export async function repushLocal(tx: Tx, accountId: string, refs: (PushRef & { value: string })[]): Promise<number> {
  if (refs.length === 0) return 0;
  return tx.$executeRawUnsafe(
    `INSERT INTO "PushJob" (id, "listingId", "accountId", kind, value)
     SELECT gen_random_uuid(), r."listingId", $2::uuid, r.kind::"PushKind", r.value
       FROM jsonb_to_recordset($1::jsonb) AS r("listingId" uuid, kind text, value text)
      WHERE NOT EXISTS (SELECT 1 FROM "PushJob" j WHERE j."listingId" = r."listingId" AND j.kind::text = r.kind AND j.status = 'PENDING')`,
    JSON.stringify(refs),
    accountId,
  );
}

/** MANUAL: one open conflict per record and field; a later remote change refreshes it. */
export async function recordConflicts(tx: Tx, accountId: string, runId: string, rows: ConflictRow[]): Promise<void> {
  for (const row of rows) {
    const target = row.listingId ? { listingId: row.listingId } : { orderId: row.orderId };
    const open = await tx.syncConflict.findFirst({ where: { ...target, field: row.field, resolvedAt: null }, select: { id: true } });
    const values = { runId, localValue: row.localValue, remoteValue: row.remoteValue, localChangedAt: row.localChangedAt, remoteChangedAt: row.remoteChangedAt };
    // A refreshed conflict keeps its base: the value the edit was made against, not the one seen in between.
    if (open) await tx.syncConflict.update({ where: { id: open.id }, data: values });
    else await tx.syncConflict.create({ data: { accountId, ...target, field: row.field, baseValue: row.baseValue, ...values } });
  }
}
