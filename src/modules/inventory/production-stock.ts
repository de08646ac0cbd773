/**
 * Production feeds the pool: closing a batch posts its units (all, or the aggregated ones only, as
 * its work center says) as a PRODUCTION movement of the product it makes; reopening takes them
 * back. What a batch has posted is the sum of its movements, so each step posts only the
 * difference to what it should have: closing twice, or reopening and closing again, never counts
 * a unit twice. Deleting a closed batch takes back all it posted (its units no longer exist): a
 * PRODUCTION movement of the opposite sign noted "batch <n> deleted", posted once, since the batch
 * is gone after it. The batch row is locked by the close/reopen/delete that calls this.
 */
import type { Batch } from '../../generated/prisma/client.js';
import type { Emit, Tx } from '../../db/transaction.js';
import { afterMovements, type StockEffects } from './stock-effects.js';
import { defaultLocationId, postMovements, type NewMovement } from './stock-ledger.js';

/** The product a batch makes: its own, else the mapping of its EKN code, else of its nomenclature. */
export async function productOfBatch(tx: Pick<Tx, 'productMapping'>, batch: Pick<Batch, 'productId' | 'eknCode' | 'nomenclature'>): Promise<string | null> {
  if (batch.productId) return batch.productId;
  const mappings = await tx.productMapping.findMany({
    where: { OR: [{ field: 'EKN_CODE', value: batch.eknCode }, { field: 'NOMENCLATURE', value: batch.nomenclature }] },
    select: { field: true, productId: true },
  });
  return (mappings.find((m) => m.field === 'EKN_CODE') ?? mappings[0])?.productId ?? null;
}

/** Brings what the batch has posted to `closed ? its units : 0` (0 when it is being deleted), per product. */
export async function postBatchStock(tx: Tx, emit: Emit, batch: Batch, actor: string, options: { deleting?: boolean } = {}): Promise<StockEffects> {
  const [posted, workCenter, productId] = await Promise.all([
    tx.stockMovement.groupBy({ by: ['productId', 'locationId'], where: { causeType: 'BATCH', causeId: batch.id }, _sum: { quantity: true }, _count: true }),
    tx.workCenter.findUniqueOrThrow({ where: { id: batch.workCenterId }, select: { stockFrom: true } }),
    productOfBatch(tx, batch),
  ]);
  const units = batch.closed && !options.deleting && productId ? await tx.unit.count({ where: { batchId: batch.id, ...(workCenter.stockFrom === 'AGGREGATED_UNITS' ? { aggregated: true } : {}) } }) : 0;
  let step = posted.reduce((n, p) => n + p._count, 0);
  const base = { reason: 'PRODUCTION' as const, causeType: 'BATCH' as const, causeId: batch.id, actor };
  const movements: NewMovement[] = [];
  // Whatever was posted for another product or location (the mapping changed) is taken back there.
  for (const p of posted) {
    const target = p.productId === productId && units > 0 ? null : 0;
    if (target === 0 && (p._sum.quantity ?? 0) !== 0) {
      movements.push({ ...base, productId: p.productId, locationId: p.locationId, quantity: -(p._sum.quantity ?? 0), note: `batch ${batch.batchNumber} ${options.deleting ? 'deleted' : 'reopened'}`, key: `batch:${batch.id}:${++step}` });
    }
  }
  if (productId && units > 0) {
    const locationId = posted.find((p) => p.productId === productId)?.locationId ?? (await defaultLocationId(tx));
    const already = posted.filter((p) => p.productId === productId && p.locationId === locationId).reduce((n, p) => n + (p._sum.quantity ?? 0), 0);
    if (units !== already) {
      movements.push({ ...base, productId, locationId, quantity: units - already, note: `batch ${batch.batchNumber} closed`, key: `batch:${batch.id}:${++step}` });
    }
  }
  return afterMovements(tx, emit, await postMovements(tx, movements));
}
