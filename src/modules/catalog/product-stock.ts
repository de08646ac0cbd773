import type { PrismaClient } from '../../generated/prisma/client.js';

/**
 * Units on sale per product: the stock of its live (not DELISTED) listings, summed in one
 * statement for the whole batch of ids. Answers in the order of `productIds`; 0 for none.
 */
export async function totalStockOf(prisma: PrismaClient, productIds: readonly string[]): Promise<number[]> {
  const sums = await prisma.listing.groupBy({
    by: ['productId'],
    where: { productId: { in: [...productIds] }, status: { not: 'DELISTED' } },
    _sum: { stock: true },
  });
  const byId = new Map(sums.map((s) => [s.productId, s._sum.stock ?? 0]));
  return productIds.map((id) => byId.get(id) ?? 0);
}
