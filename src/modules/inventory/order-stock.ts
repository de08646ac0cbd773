/**
 * Sales consume the pool. Each order line holds one StockReservation (keyed by order and line
 * position, which survive a sync rewriting the lines), moved by the order's status:
 *   NEW, PROCESSING      → RESERVED  (RESERVE: reserved +q)
 *   SHIPPED, DELIVERED   → SHIPPED   (SALE: on hand −q, reserved −q)
 *   CANCELLED            → RELEASED  (RELEASE: reserved −q; after shipping, on hand +q)
 *   RETURNED             → RETURNED  (RELEASE: on hand +q after shipping; reserved −q before)
 * Each step bumps the reservation's version and its movement's key ends with it, so a page synced
 * again (a retry, a resumed run after a crash) posts nothing twice: the reservation row and the
 * ledger commit with the page or not at all. A line first seen already shipped, cancelled or
 * returned (an account's history) moves nothing: its stock left before the pool knew it. Orders of
 * a marketplace-fulfilled account (eMAG FBE), and orders the marketplace ships from its own stock
 * (Ozon FBO postings, Wildberries FBW orders: Order.fulfilledByMarketplace), are the marketplace's
 * stock and leave the pool alone.
 */
import type { ReservationState } from '../../generated/prisma/client.js';
import type { Emit, Tx } from '../../db/transaction.js';
import { afterMovements, type StockEffects } from './stock-effects.js';
import { defaultLocationId, postMovements, type NewMovement } from './stock-ledger.js';

const stateOfStatus: Record<string, ReservationState> = {
  NEW: 'RESERVED',
  PROCESSING: 'RESERVED',
  SHIPPED: 'SHIPPED',
  DELIVERED: 'SHIPPED',
  CANCELLED: 'RELEASED',
  RETURNED: 'RETURNED',
};

interface LineRow {
  orderId: string;
  externalId: string;
  status: string;
  position: number;
  quantity: number;
  productId: string | null;
}

interface ReservationRow {
  orderId: string;
  position: number;
  productId: string;
  locationId: string;
  quantity: number;
  state: ReservationState;
  version: number;
}

/** How a reservation's state changes on hand and reserved (per unit). */
function effectOf(from: ReservationState | null, to: ReservationState): { onHand: number; reserved: number } | null {
  if (from === to) return null;
  const holds = (s: ReservationState | null) => (s === 'RESERVED' ? { onHand: 0, reserved: 1 } : s === 'SHIPPED' ? { onHand: -1, reserved: 0 } : { onHand: 0, reserved: 0 });
  // A released or returned line that comes back is reserved again; a shipped one returned or cancelled comes back on hand.
  const a = holds(from);
  const b = holds(to);
  return { onHand: b.onHand - a.onHand, reserved: b.reserved - a.reserved };
}

const reasonOf = (to: ReservationState) => (to === 'RESERVED' ? 'RESERVE' : to === 'SHIPPED' ? 'SALE' : 'RELEASE') as NewMovement['reason'];

/** Moves the reservations of these orders (all of one account) to their statuses, set-based. */
export async function applyOrderStock(tx: Tx, emit: Emit, accountId: string, orderIds: readonly string[], now: Date): Promise<StockEffects> {
  if (orderIds.length === 0) return { pushes: 0 };
  const account = await tx.marketplaceAccount.findUnique({ where: { id: accountId }, select: { fulfillment: true } });
  if (!account || account.fulfillment === 'FBE') return { pushes: 0 };
  const ids = [...orderIds];
  // The product of a line: the account's listing with the line's offer id, else the product with its SKU (as Order.items does).
  const [lines, reservations] = await Promise.all([
    tx.$queryRawUnsafe<LineRow[]>(
      `SELECT o.id::text AS "orderId", o."externalId", o.status::text AS status, i.position, i.quantity,
              COALESCE(lp."productId", p.id)::text AS "productId"
         FROM "Order" o
         JOIN "OrderItem" i ON i."orderId" = o.id
         LEFT JOIN "Listing" lp ON lp."accountId" = o."accountId" AND lp."externalId" = i."externalProductId"
         LEFT JOIN "Product" p ON p.sku = i.sku
        WHERE o.id = ANY($1::uuid[]) AND NOT o."fulfilledByMarketplace"`,
      ids,
    ),
    tx.$queryRawUnsafe<ReservationRow[]>(
      `SELECT "orderId"::text AS "orderId", position, "productId"::text AS "productId", "locationId"::text AS "locationId", quantity, state, version
         FROM "StockReservation" WHERE "orderId" = ANY($1::uuid[]) ORDER BY "orderId", position FOR UPDATE`,
      ids,
    ),
  ]);
  const held = new Map(reservations.map((r) => [`${r.orderId}:${r.position}`, r]));
  const lineOf = new Map(lines.map((l) => [`${l.orderId}:${l.position}`, l]));
  const movements: NewMovement[] = [];
  const upserts: ReservationRow[] = [];
  let locationId: string | null = null;
  const base = { causeType: 'ORDER_LINE' as const, actor: 'sync' };

  const step = (r: ReservationRow, to: ReservationState, productId: string, quantity: number, externalId: string) => {
    const e = effectOf(r.state, to)!;
    const version = r.version + 1;
    movements.push({ ...base, productId, locationId: r.locationId, reason: reasonOf(to), quantity: e.onHand * quantity, reservedChange: e.reserved * quantity, causeId: r.orderId, causePosition: r.position, note: `order ${externalId}`, key: `order:${r.orderId}:${r.position}:${version}` });
    return { ...r, productId, quantity, state: to, version };
  };

  for (const [key, line] of lineOf) {
    const to = stateOfStatus[line.status] ?? 'RESERVED';
    let r = held.get(key);
    held.delete(key);
    if (!r) {
      // First seen: only an open order takes stock; history moves nothing.
      if (to !== 'RESERVED' || !line.productId || line.quantity === 0) continue;
      locationId ??= await defaultLocationId(tx);
      const start: ReservationRow = { orderId: line.orderId, position: line.position, productId: line.productId, locationId, quantity: line.quantity, state: 'RELEASED', version: 0 };
      upserts.push(step(start, 'RESERVED', line.productId, line.quantity, line.externalId));
      continue;
    }
    // A line whose product or quantity changed gives back what it held, then takes the new.
    if (r.state === 'RESERVED' && (r.productId !== line.productId || r.quantity !== line.quantity)) {
      r = step(r, 'RELEASED', r.productId, r.quantity, line.externalId);
      if (to === 'RESERVED' && line.productId && line.quantity > 0) r = step(r, 'RESERVED', line.productId, line.quantity, line.externalId);
      upserts.push(r);
      continue;
    }
    if (r.state === to || (r.state === 'RELEASED' && to !== 'RESERVED')) continue;
    // A line that holds nothing (released or returned) and is reserved again takes the product and
    // quantity it has now: its position may hold another product since (an order edited).
    if (to === 'RESERVED' && r.state !== 'SHIPPED') {
      if (line.productId && line.quantity > 0) upserts.push(step(r, 'RESERVED', line.productId, line.quantity, line.externalId));
      continue;
    }
    upserts.push(step(r, to, r.productId, r.quantity, line.externalId));
  }
  // Lines the order no longer has give back what they held.
  for (const r of held.values()) {
    if (r.state === 'RESERVED') upserts.push(step(r, 'RELEASED', r.productId, r.quantity, 'line removed'));
  }
  if (upserts.length === 0) return { pushes: 0 };
  await tx.$executeRawUnsafe(
    `INSERT INTO "StockReservation" ("orderId", position, "accountId", "productId", "locationId", quantity, state, version, "createdAt", "updatedAt")
     SELECT r."orderId", r.position, $2::uuid, r."productId", r."locationId", r.quantity, r.state::"ReservationState", r.version, $3::timestamptz, $3::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS r("orderId" uuid, position int, "productId" uuid, "locationId" uuid, quantity int, state text, version int)
     ON CONFLICT ("orderId", position) DO UPDATE
        SET "productId" = EXCLUDED."productId", quantity = EXCLUDED.quantity, state = EXCLUDED.state, version = EXCLUDED.version, "updatedAt" = EXCLUDED."updatedAt"`,
    JSON.stringify(upserts),
    accountId,
    now.toISOString(),
  );
  return afterMovements(tx, emit, await postMovements(tx, movements), now);
}
