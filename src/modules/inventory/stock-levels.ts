import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Tx } from '../../db/transaction.js';

/** A product's pool: its own locations summed (marketplace-held stock is not in it). */
export interface StockLevel {
  productId: string;
  sku: string;
  onHand: number;
  reserved: number;
  safetyBuffer: number;
  zeroStockThreshold: number;
  /** onHand - reserved - safetyBuffer, never below 0. */
  available: number;
  /** Units reserved beyond on hand (an oversell); 0 normally. */
  oversold: number;
}

type LevelRow = Omit<StockLevel, 'available' | 'oversold'>;

export const levelOf = (r: LevelRow): StockLevel => ({
  ...r,
  available: Math.max(0, r.onHand - r.reserved - r.safetyBuffer),
  oversold: Math.max(0, r.reserved - r.onHand),
});

/** The pool of each product, in one statement; answers in the order of `productIds` (a missing product is left out). */
export async function stockLevels(db: Tx | PrismaClient, productIds: readonly string[]): Promise<StockLevel[]> {
  if (productIds.length === 0) return [];
  const rows = await db.$queryRawUnsafe<LevelRow[]>(
    `SELECT p.id::text AS "productId", p.sku, p."safetyBuffer", p."zeroStockThreshold",
            COALESCE(SUM(b."onHand") FILTER (WHERE l.kind = 'OWN'), 0)::int AS "onHand",
            COALESCE(SUM(b.reserved) FILTER (WHERE l.kind = 'OWN'), 0)::int AS reserved
       FROM "Product" p
       LEFT JOIN "StockBalance" b ON b."productId" = p.id
       LEFT JOIN "StockLocation" l ON l.id = b."locationId"
      WHERE p.id = ANY($1::uuid[])
      GROUP BY p.id`,
    [...productIds],
  );
  const byId = new Map(rows.map((r) => [r.productId, levelOf(r)]));
  return productIds.flatMap((id) => byId.get(id) ?? []);
}
