/**
 * Oversell: open orders reserving more of a product than the pool has on hand. Raised once per
 * product while it holds (alert OVERSELL, naming the orders that hold the reservations), resolved
 * when on hand covers them again. Listings go to 0 through allocation (available is 0 then).
 */
import type { Emit, Tx } from '../../db/transaction.js';
import { insertAlert } from '../monitoring/alerts.service.js';
import type { StockLevel } from './stock-levels.js';

export const oversellKey = (productId: string) => `OVERSELL:${productId}`;

/** The orders holding reservations of each product, oldest first. */
async function reservingOrders(tx: Tx, productIds: string[]) {
  return tx.$queryRawUnsafe<{ productId: string; orderId: string; externalId: string; accountId: string; quantity: number }[]>(
    `SELECT r."productId"::text AS "productId", o.id::text AS "orderId", o."externalId", o."accountId"::text AS "accountId", SUM(r.quantity)::int AS quantity
       FROM "StockReservation" r JOIN "Order" o ON o.id = r."orderId"
      WHERE r."productId" = ANY($1::uuid[]) AND r.state = 'RESERVED'
      GROUP BY r."productId", o.id
      ORDER BY MIN(r."createdAt"), o.id`,
    productIds,
  );
}

export async function checkOversell(tx: Tx, emit: Emit, levels: readonly StockLevel[], now: Date): Promise<void> {
  const over = levels.filter((l) => l.oversold > 0);
  const fine = levels.filter((l) => l.oversold === 0);
  if (fine.length > 0) {
    await tx.alert.updateMany({ where: { activeKey: { in: fine.map((l) => oversellKey(l.productId)) } }, data: { activeKey: null, resolvedAt: now } });
  }
  if (over.length === 0) return;
  const active = new Set(
    (await tx.alert.findMany({ where: { activeKey: { in: over.map((l) => oversellKey(l.productId)) } }, select: { activeKey: true } })).map((a) => a.activeKey),
  );
  const fresh = over.filter((l) => !active.has(oversellKey(l.productId)));
  if (fresh.length === 0) return;
  const orders = await reservingOrders(tx, fresh.map((l) => l.productId));
  for (const level of fresh) {
    const mine = orders.filter((o) => o.productId === level.productId);
    await insertAlert(
      tx,
      emit,
      {
        kind: 'OVERSELL',
        accountId: null,
        activeKey: oversellKey(level.productId),
        message: `SKU ${level.sku} is oversold by ${level.oversold}: ${level.reserved} reserved by open orders, ${level.onHand} on hand (orders ${mine.map((o) => o.externalId).join(', ')})`,
        details: { productId: level.productId, sku: level.sku, onHand: level.onHand, reserved: level.reserved, oversold: level.oversold, orders: mine.map(({ productId: _p, ...o }) => o) },
        eventFields: { productId: level.productId },
      },
      now,
    );
  }
}
