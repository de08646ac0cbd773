import type { Tx } from '../../db/transaction.js';
import { Prisma, type ChangeSource, type PrismaClient } from '../../generated/prisma/client.js';

export type ChangeEntity = 'Product' | 'Listing' | 'Order';

export interface ChangeEntry {
  entityType: ChangeEntity;
  entityId: string;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  /** Token name of a user, or "sync"/"system" for machine changes. */
  actor: string;
  source: ChangeSource;
}

/**
 * Records who changed which field from what to what. Call it inside the transaction that makes the
 * change, so the history never claims a change that was rolled back (the sync engine does too).
 */
export function recordChange(tx: Tx, entry: ChangeEntry) {
  return tx.changeRecord.create({ data: entry });
}

/** Many records in one statement (a sync page). */
export function recordChanges(tx: Tx, entries: ChangeEntry[]) {
  return entries.length ? tx.changeRecord.createMany({ data: entries }) : Promise.resolve({ count: 0 });
}

export interface ChangeRow {
  id: string;
  entityType: string;
  entityId: string;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  actor: string;
  source: ChangeSource;
  createdAt: Date;
}

/**
 * The newest `first` changes of each entity, newest first, in one statement for the whole batch of
 * ids (a page of products asking for their history costs one query). Answers in the order of `ids`.
 */
export async function latestChangesOf(prisma: PrismaClient, entityType: ChangeEntity, ids: readonly string[], first: number): Promise<ChangeRow[][]> {
  if (ids.length === 0) return [];
  const rows = await prisma.$queryRaw<ChangeRow[]>`
    SELECT id::text AS id, "entityType", "entityId"::text AS "entityId", field, "oldValue", "newValue", actor, source::text AS source, "createdAt"
      FROM (SELECT *, row_number() OVER (PARTITION BY "entityId" ORDER BY "createdAt" DESC, id DESC) AS rank
              FROM "ChangeRecord"
             WHERE "entityType" = ${entityType} AND "entityId" IN (${Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`))})) ranked
     WHERE rank <= ${first}::int
     ORDER BY "createdAt" DESC, id DESC`;
  const byEntity = new Map<string, ChangeRow[]>();
  for (const row of rows) byEntity.set(row.entityId, [...(byEntity.get(row.entityId) ?? []), row]);
  return ids.map((id) => byEntity.get(id) ?? []);
}
