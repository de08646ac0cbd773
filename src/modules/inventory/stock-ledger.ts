/**
 * The ledger's one writer. Every change of stock (production, an order line, an adjustment, a
 * count, a transfer) is a movement posted here, set-based: a fixed number of statements however
 * many movements. The balance rows of the products and locations touched are locked first (in one
 * order, so two writers never deadlock), so each movement's resulting on hand is exact and a
 * movement whose idempotency key is already in the ledger is skipped, not posted twice.
 */
import type { StockCauseType, StockMovementReason } from '../../generated/prisma/client.js';
import type { Tx } from '../../db/transaction.js';

export interface NewMovement {
  productId: string;
  locationId: string;
  reason: StockMovementReason;
  /** Change of on hand, signed. */
  quantity: number;
  /** Change of reserved, signed; default 0. */
  reservedChange?: number;
  causeType: StockCauseType;
  causeId: string;
  causePosition?: number | null;
  actor: string;
  note?: string | null;
  /** Unique per cause and step: posting the same key again does nothing. */
  key: string;
}

export interface PostedMovement extends NewMovement {
  id: string;
  onHandAfter: number;
  reservedAfter: number;
}

/** The code of the default own warehouse, created on first use. */
export const DEFAULT_LOCATION_CODE = 'MAIN';

/**
 * The default own warehouse's id (created the first time stock moves). Read first, without a lock:
 * an upsert would lock the row until commit and queue every stock-moving transaction on it. The read
 * after the insert is its own statement, so it sees a row another transaction created meanwhile.
 */
export async function defaultLocationId(tx: Tx): Promise<string> {
  const find = () => tx.stockLocation.findUnique({ where: { code: DEFAULT_LOCATION_CODE }, select: { id: true } });
  const found = await find();
  if (found) return found.id;
  await tx.$executeRaw`
    INSERT INTO "StockLocation" (id, code, name, kind) VALUES (gen_random_uuid(), ${DEFAULT_LOCATION_CODE}, 'Main warehouse', 'OWN')
    ON CONFLICT (code) DO NOTHING`;
  return (await find())!.id;
}

const pairKey = (productId: string, locationId: string) => `${productId}:${locationId}`;

/** Posts the movements whose keys are new, moves the balances, and returns what was posted, in order. */
export async function postMovements(tx: Tx, movements: readonly NewMovement[]): Promise<PostedMovement[]> {
  const wanted = movements.filter((m) => m.quantity !== 0 || (m.reservedChange ?? 0) !== 0);
  if (wanted.length === 0) return [];
  const pairs = [...new Map(wanted.map((m) => [pairKey(m.productId, m.locationId), { productId: m.productId, locationId: m.locationId }])).values()];
  await tx.$executeRawUnsafe(
    `INSERT INTO "StockBalance" ("productId", "locationId")
     SELECT p."productId", p."locationId" FROM jsonb_to_recordset($1::jsonb) AS p("productId" uuid, "locationId" uuid)
     ON CONFLICT DO NOTHING`,
    JSON.stringify(pairs),
  );
  const balances = await tx.$queryRawUnsafe<{ productId: string; locationId: string; onHand: number; reserved: number }[]>(
    `SELECT b."productId"::text AS "productId", b."locationId"::text AS "locationId", b."onHand", b.reserved
       FROM "StockBalance" b JOIN jsonb_to_recordset($1::jsonb) AS p("productId" uuid, "locationId" uuid)
         ON b."productId" = p."productId" AND b."locationId" = p."locationId"
      ORDER BY b."productId", b."locationId"
        FOR UPDATE OF b`,
    JSON.stringify(pairs),
  );
  // Read under the locks: a writer of the same key (same product and location) has committed or waits.
  const seen = await tx.$queryRawUnsafe<{ key: string }[]>(
    `SELECT "idempotencyKey" AS key FROM "StockMovement" WHERE "idempotencyKey" = ANY($1::text[])`,
    wanted.map((m) => m.key),
  );
  const skip = new Set(seen.map((s) => s.key));
  const running = new Map(balances.map((b) => [pairKey(b.productId, b.locationId), { onHand: b.onHand, reserved: b.reserved }]));
  const posted: PostedMovement[] = [];
  for (const m of wanted) {
    if (skip.has(m.key)) continue;
    skip.add(m.key);
    const balance = running.get(pairKey(m.productId, m.locationId))!;
    balance.onHand += m.quantity;
    balance.reserved += m.reservedChange ?? 0;
    posted.push({ ...m, reservedChange: m.reservedChange ?? 0, id: crypto.randomUUID(), onHandAfter: balance.onHand, reservedAfter: balance.reserved });
  }
  if (posted.length === 0) return [];
  // seq (a sequence) numbers them in this order: the ledger is read by seq.
  await tx.$executeRawUnsafe(
    `INSERT INTO "StockMovement" (id, "productId", "locationId", reason, quantity, "reservedChange", "onHandAfter", "reservedAfter",
                                  "causeType", "causeId", "causePosition", actor, note, "idempotencyKey", "createdAt")
     SELECT m.id, m."productId", m."locationId", m.reason::"StockMovementReason", m.quantity, m."reservedChange", m."onHandAfter", m."reservedAfter",
            m."causeType"::"StockCauseType", m."causeId", m."causePosition", m.actor, m.note, m.key, now()
       FROM jsonb_to_recordset($1::jsonb) AS m(id uuid, "productId" uuid, "locationId" uuid, reason text, quantity int, "reservedChange" int,
            "onHandAfter" int, "reservedAfter" int, "causeType" text, "causeId" text, "causePosition" int, actor text, note text, key text, n int)`,
    JSON.stringify(posted.map((m, n) => ({ ...m, causePosition: m.causePosition ?? null, note: m.note ?? null, n }))),
  );
  await tx.$executeRawUnsafe(
    `UPDATE "StockBalance" AS b SET "onHand" = v."onHand", reserved = v.reserved, "updatedAt" = now()
       FROM jsonb_to_recordset($1::jsonb) AS v("productId" uuid, "locationId" uuid, "onHand" int, reserved int)
      WHERE b."productId" = v."productId" AND b."locationId" = v."locationId"`,
    JSON.stringify([...running].map(([key, v]) => ({ productId: key.slice(0, 36), locationId: key.slice(37), ...v }))),
  );
  return posted;
}
