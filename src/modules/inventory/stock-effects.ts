/**
 * What follows posted movements, in the same transaction: allocation to listings, the oversell
 * alert, and one stock.changed event per product (published after commit, to webhooks and the
 * stockChanged subscription).
 */
import type { Emit, Tx } from '../../db/transaction.js';
import { allocate } from './allocation.js';
import { checkOversell } from './oversell.js';
import type { PostedMovement } from './stock-ledger.js';
import { stockLevels } from './stock-levels.js';

export interface StockEffects {
  /** Listings whose stock push was queued (wake the push worker after commit). */
  pushes: number;
}

export async function afterMovements(tx: Tx, emit: Emit, posted: readonly PostedMovement[], now = new Date()): Promise<StockEffects> {
  if (posted.length === 0) return { pushes: 0 };
  const productIds = [...new Set(posted.map((m) => m.productId))];
  const levels = await stockLevels(tx, productIds);
  const pushes = await allocate(tx, emit, levels);
  await checkOversell(tx, emit, levels, now);
  for (const level of levels) {
    const mine = posted.filter((m) => m.productId === level.productId);
    emit('stock.changed', {
      productId: level.productId,
      sku: level.sku,
      onHand: level.onHand,
      reserved: level.reserved,
      available: level.available,
      cause: { reasons: [...new Set(mine.map((m) => m.reason))], causeType: mine[0]!.causeType, causeIds: [...new Set(mine.map((m) => m.causeId))] },
      movementIds: mine.map((m) => m.id),
    });
  }
  return { pushes };
}
