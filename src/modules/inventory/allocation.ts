/**
 * Allocation: the pool of a product pushed to its listings. Each account has a rule (SHARE of
 * available, a CAP, a BUFFER held back, or OFF: its listings keep their manual stock). A change of
 * available recomputes every linked listing under a rule and queues its push through the existing
 * outbox (PushJob). Pushes are coalesced: a listing has at most one unclaimed stock push, whose
 * value later changes overwrite and whose send waits ALLOCATION_COALESCE_MS, so many movements in a
 * second make one push. The push worker sends an account's pushes in one call, through the
 * connector's rate limiter (the account's budget).
 */
import type { StockAllocationMode } from '../../generated/prisma/client.js';
import type { Emit, Tx } from '../../db/transaction.js';
import type { StockLevel } from './stock-levels.js';

/** How long a stock push of the pool waits for later changes to join it, in ms; default 1000. */
export const ALLOCATION_COALESCE_MS = 1000;

/** The stock a listing under `mode` offers of a product with `level`. */
export function allocatedStock(level: Pick<StockLevel, 'available' | 'zeroStockThreshold'>, mode: StockAllocationMode, value: number): number {
  if (level.available <= level.zeroStockThreshold) return 0;
  switch (mode) {
    case 'SHARE':
      return Math.floor((level.available * value) / 100);
    case 'CAP':
      return Math.min(level.available, value);
    case 'BUFFER':
      return Math.max(0, level.available - value);
    case 'OFF':
      return level.available;
  }
}

interface AllocatedListing {
  id: string;
  productId: string;
  accountId: string;
  sku: string;
  stock: number;
  remoteStock: number;
  mode: StockAllocationMode;
  value: number;
}

/**
 * Recomputes the listings of these products under an allocation rule and queues one push per
 * listing whose stock changes. Returns how many listings got a push queued.
 */
export async function allocate(tx: Tx, emit: Emit, levels: readonly StockLevel[], options: { coalesceMs?: number; accountId?: string } = {}): Promise<number> {
  if (levels.length === 0) return 0;
  const listings = await tx.$queryRawUnsafe<AllocatedListing[]>(
    `SELECT l.id::text AS id, l."productId"::text AS "productId", l."accountId"::text AS "accountId", l.sku, l.stock, l."remoteStock",
            r.mode::text AS mode, r.value
       FROM "Listing" l
       JOIN "StockAllocationRule" r ON r."accountId" = l."accountId" AND r.mode <> 'OFF'
       JOIN "MarketplaceAccount" a ON a.id = l."accountId" AND a.enabled AND a.fulfillment IS DISTINCT FROM 'FBE'
      WHERE l."productId" = ANY($1::uuid[]) AND l.status <> 'DELISTED' AND ($2::uuid IS NULL OR l."accountId" = $2::uuid)
      ORDER BY l.id
        FOR UPDATE OF l`,
    levels.map((l) => l.productId),
    options.accountId ?? null,
  );
  const levelOf = new Map(levels.map((l) => [l.productId, l]));
  const changed = listings
    .map((l) => ({ ...l, target: allocatedStock(levelOf.get(l.productId)!, l.mode, l.value) }))
    .filter((l) => l.target !== l.stock);
  if (changed.length === 0) return 0;

  const now = new Date();
  const due = new Date(now.getTime() + (options.coalesceMs ?? ALLOCATION_COALESCE_MS));
  await tx.$executeRawUnsafe(
    `UPDATE "Listing" AS l SET stock = v.stock, "stockEditedAt" = CASE WHEN v.stock = l."remoteStock" THEN NULL ELSE $2::timestamptz END, "updatedAt" = $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, stock int) WHERE l.id = v.id`,
    JSON.stringify(changed.map((l) => ({ id: l.id, stock: l.target }))),
    now.toISOString(),
  );
  const back = changed.filter((l) => l.target === l.remoteStock).map((l) => l.id);
  const toPush = changed.filter((l) => l.target !== l.remoteStock);
  // Pushes already tried (maybe in flight) or no longer needed give way to the new value.
  await tx.$executeRawUnsafe(
    `UPDATE "PushJob" SET status = 'SUPERSEDED', "finishedAt" = $3::timestamptz
      WHERE "listingId" = ANY($1::uuid[]) AND kind = 'STOCK' AND status = 'PENDING' AND (attempts > 0 OR "listingId" = ANY($2::uuid[]))`,
    changed.map((l) => l.id),
    back,
    now.toISOString(),
  );
  if (toPush.length > 0) {
    const joined = await tx.$queryRawUnsafe<{ listingId: string }[]>(
      `UPDATE "PushJob" AS j SET value = v.value
         FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, value text)
        WHERE j."listingId" = v.id AND j.kind = 'STOCK' AND j.status = 'PENDING' AND j.attempts = 0
       RETURNING j."listingId"::text AS "listingId"`,
      JSON.stringify(toPush.map((l) => ({ id: l.id, value: String(l.target) }))),
    );
    const waiting = new Set(joined.map((j) => j.listingId));
    const fresh = toPush.filter((l) => !waiting.has(l.id));
    if (fresh.length > 0) {
      await tx.$executeRawUnsafe(
        `INSERT INTO "PushJob" (id, "listingId", "accountId", kind, value, "nextAttemptAt", "createdAt")
         SELECT gen_random_uuid(), v.id, v."accountId", 'STOCK', v.value, $2::timestamptz, $3::timestamptz
           FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, "accountId" uuid, value text)`,
        JSON.stringify(fresh.map((l) => ({ id: l.id, accountId: l.accountId, value: String(l.target) }))),
        due.toISOString(),
        now.toISOString(),
      );
    }
  }
  for (const l of changed) {
    emit('listing.stock_changed', { listingId: l.id, productId: l.productId, accountId: l.accountId, sku: l.sku, oldStock: l.stock, newStock: l.target, source: 'POOL' });
  }
  return toPush.length;
}
