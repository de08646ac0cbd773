/**
 * A person's changes to the pool: adjustments, counts, transfers and the per-product settings.
 * Each posts through the ledger and its effects (allocation, oversell, stock.changed) in one
 * transaction; pushes it queued are sent after commit.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { StockMovement } from '../../generated/prisma/client.js';
import type { Actor, AppServices } from '../../core/services.js';
import { transact, type Emit, type Tx } from '../../db/transaction.js';
import { isUniqueViolation } from '../../db/errors.js';
import { idempotencyKeyReused, inventoryError, locationNotFound, productNotFound } from './inventory.errors.js';
import { allocationRule, byId, locationCreate, productMapping, stockAdjustment, stockCount, stockSettings, stockTransfer } from './inventory.inputs.js';
import { defaultLocationId, postMovements, type NewMovement } from './stock-ledger.js';
import { afterMovements } from './stock-effects.js';
import { allocate } from './allocation.js';
import { stockLevels } from './stock-levels.js';

async function requireProduct(tx: Tx, id: string) {
  const product = await tx.product.findUnique({ where: { id }, select: { id: true } });
  if (!product) throw productNotFound(id);
}

async function locationOrDefault(tx: Tx, id: string | null | undefined, field = 'locationId') {
  if (!id) return defaultLocationId(tx);
  if (!(await tx.stockLocation.findUnique({ where: { id }, select: { id: true } }))) throw locationNotFound(id, field);
  return id;
}

/** The ledger key of a person's change: theirs when they give one (a retried request posts nothing more), else a fresh one. */
const userKey = (actor: Actor, given: string | null | undefined) => (given ? `user:${actor.name}:${given}` : `user:${randomUUID()}`);

/**
 * True when the movements stored under the keys are those `built` asks for: the same product,
 * location, reason and quantity (for a count, the same counted on hand, which its movement ends at).
 */
function sameRequest(stored: readonly StockMovement[], built: readonly NewMovement[], counted?: number) {
  return (
    stored.length === built.length &&
    built.every((b) => {
      const s = stored.find((m) => m.idempotencyKey === b.key);
      return (
        s !== undefined &&
        s.productId === b.productId.toLowerCase() &&
        s.locationId === b.locationId.toLowerCase() &&
        s.reason === b.reason &&
        (b.reason === 'COUNT' ? s.onHandAfter === counted : s.quantity === b.quantity)
      );
    })
  );
}

/**
 * Posts movements of a person's change with their effects; returns the product's pool after it.
 * With the person's idempotency key (`given`): a key already in the ledger for the same request
 * answers the movements posted then, for another request IDEMPOTENCY_KEY_REUSED. Two requests with
 * one key at once lock the same balance rows when they are the same request (the second then finds
 * the first's movements); otherwise the second insert breaks the key's uniqueness: the same error.
 */
async function postByUser(services: AppServices, actor: Actor, productId: string, given: string | null | undefined, build: (tx: Tx) => Promise<NewMovement[]>, counted?: number) {
  let pushes = 0;
  try {
    const result = await transact(services, actor.name, async (tx, emit: Emit) => {
      await requireProduct(tx, productId);
      const built = await build(tx);
      const posted = await postMovements(tx, built);
      pushes = (await afterMovements(tx, emit, posted)).pushes;
      if (!given || posted.length === built.length) return { productId, movements: posted };
      const stored = await tx.stockMovement.findMany({ where: { idempotencyKey: { in: built.map((m) => m.key) } }, orderBy: { seq: 'asc' } });
      // A count that found on hand as counted posts nothing, and leaves nothing to compare.
      if (posted.length === 0 && stored.length === 0) return { productId, movements: posted };
      if (posted.length > 0 || !sameRequest(stored, built, counted)) throw idempotencyKeyReused(given);
      return { productId, movements: stored };
    });
    if (pushes > 0) services.wake?.('pushes');
    return result;
  } catch (error) {
    throw given && isUniqueViolation(error) ? idempotencyKeyReused(given) : error;
  }
}

const byUser = (actor: Actor) => ({ causeType: 'USER' as const, causeId: actor.name, actor: actor.name });

/** Adds (or, negative, removes) units at a location (default: the main warehouse). */
export async function adjustStock(services: AppServices, actor: Actor, raw: z.input<typeof stockAdjustment>) {
  const input = stockAdjustment.parse(raw);
  return postByUser(services, actor, input.productId, input.idempotencyKey, async (tx) => [
    {
      productId: input.productId,
      locationId: await locationOrDefault(tx, input.locationId),
      reason: 'ADJUSTMENT',
      quantity: input.quantity,
      note: input.note,
      key: userKey(actor, input.idempotencyKey),
      ...byUser(actor),
    },
  ]);
}

/** Sets on hand at a location to what was counted; the movement is the difference. */
export async function countStock(services: AppServices, actor: Actor, raw: z.input<typeof stockCount>) {
  const input = stockCount.parse(raw);
  return postByUser(services, actor, input.productId, input.idempotencyKey, async (tx) => {
    const locationId = await locationOrDefault(tx, input.locationId);
    // Locked so a movement committing meanwhile cannot make the difference stale.
    const [balance] = await tx.$queryRaw<{ onHand: number }[]>`
      SELECT "onHand" FROM "StockBalance" WHERE "productId" = ${input.productId}::uuid AND "locationId" = ${locationId}::uuid FOR UPDATE`;
    const key = userKey(actor, input.idempotencyKey);
    return [{ productId: input.productId, locationId, reason: 'COUNT', quantity: input.counted - (balance?.onHand ?? 0), note: input.note ?? `counted ${input.counted}`, key, ...byUser(actor) }];
  }, input.counted);
}

/** Moves units between two locations (to a marketplace's warehouse, they leave the pool). */
export async function transferStock(services: AppServices, actor: Actor, raw: z.input<typeof stockTransfer>) {
  const input = stockTransfer.parse(raw);
  if (input.fromLocationId === input.toLocationId) throw inventoryError('SAME_LOCATION', 'A transfer needs two different locations', ['input', 'toLocationId']);
  return postByUser(services, actor, input.productId, input.idempotencyKey, async (tx) => {
    await locationOrDefault(tx, input.fromLocationId, 'fromLocationId');
    await locationOrDefault(tx, input.toLocationId, 'toLocationId');
    // Both rows, in the ledger's order (by location): a transfer the other way at the same moment
    // would otherwise hold the other row and wait for this one (a deadlock).
    const balances = await tx.$queryRaw<{ locationId: string; onHand: number }[]>`
      SELECT "locationId"::text AS "locationId", "onHand" FROM "StockBalance"
       WHERE "productId" = ${input.productId}::uuid AND "locationId" IN (${input.fromLocationId}::uuid, ${input.toLocationId}::uuid)
       ORDER BY "productId", "locationId" FOR UPDATE`;
    const onHand = balances.find((b) => b.locationId === input.fromLocationId.toLowerCase())?.onHand ?? 0;
    if (onHand < input.quantity) throw inventoryError('INSUFFICIENT_STOCK', `Only ${onHand} on hand at the source location`, ['input', 'quantity']);
    const key = userKey(actor, input.idempotencyKey);
    const common = { productId: input.productId, reason: 'TRANSFER' as const, note: input.note, ...byUser(actor) };
    return [
      { ...common, locationId: input.fromLocationId, quantity: -input.quantity, key: `${key}:out` },
      { ...common, locationId: input.toLocationId, quantity: input.quantity, key: `${key}:in` },
    ];
  });
}

/** Sets the safety buffer and the zero-stock threshold of a product; its listings are recomputed. */
export async function setStockSettings(services: AppServices, actor: Actor, raw: z.input<typeof stockSettings>) {
  const input = stockSettings.parse(raw);
  let pushes = 0;
  const product = await transact(services, actor.name, async (tx, emit) => {
    await requireProduct(tx, input.productId);
    const data = Object.fromEntries(Object.entries({ safetyBuffer: input.safetyBuffer, zeroStockThreshold: input.zeroStockThreshold }).filter(([, v]) => v != null));
    const product = await tx.product.update({ where: { id: input.productId }, data });
    pushes = await reallocate(tx, emit, [input.productId]);
    return product;
  });
  if (pushes > 0) services.wake?.('pushes');
  return product;
}

/** Recomputes the listings of these products (a setting or a rule changed, not the ledger). */
async function reallocate(tx: Tx, emit: Emit, productIds: string[]) {
  return allocate(tx, emit, await stockLevels(tx, productIds));
}

/**
 * Recomputes the listings of one account (its rule changed, or it was enabled again: a disabled
 * account is left out of allocation) and queues their pushes; returns how many were queued.
 */
export async function reallocateAccount(tx: Tx, emit: Emit, accountId: string) {
  const products = await tx.listing.findMany({ where: { accountId, status: { not: 'DELISTED' } }, distinct: ['productId'], select: { productId: true } });
  return allocate(tx, emit, await stockLevels(tx, products.map((p) => p.productId)), { accountId });
}

export async function createStockLocation(services: AppServices, actor: Actor, raw: z.input<typeof locationCreate>) {
  const input = locationCreate.parse(raw);
  try {
    return await transact(services, actor.name, async (tx) => {
      if (input.accountId && !(await tx.marketplaceAccount.findUnique({ where: { id: input.accountId }, select: { id: true } }))) {
        throw inventoryError('ACCOUNT_NOT_FOUND', `No marketplace account with id ${input.accountId}`, ['input', 'accountId']);
      }
      return tx.stockLocation.create({ data: { code: input.code, name: input.name, kind: input.kind, accountId: input.accountId ?? null } });
    });
  } catch (error) {
    throw isUniqueViolation(error) ? inventoryError('DUPLICATE_LOCATION', `A stock location with code ${input.code} exists`, ['input', 'code']) : error;
  }
}

/** Sets an account's allocation rule and recomputes its listings at once. */
export async function setAllocationRule(services: AppServices, actor: Actor, raw: z.input<typeof allocationRule>) {
  const input = allocationRule.parse(raw);
  let pushes = 0;
  const rule = await transact(services, actor.name, async (tx, emit) => {
    const account = await tx.marketplaceAccount.findUnique({ where: { id: input.accountId }, select: { fulfillment: true } });
    if (!account) throw inventoryError('ACCOUNT_NOT_FOUND', `No marketplace account with id ${input.accountId}`, ['input', 'accountId']);
    if (account.fulfillment === 'FBE' && input.mode !== 'OFF') {
      throw inventoryError('MARKETPLACE_FULFILLED', 'This account is fulfilled by eMAG (FBE): its stock is not allocated from the pool', ['input', 'accountId']);
    }
    const data = { mode: input.mode, value: input.value ?? (input.mode === 'SHARE' ? 100 : 0), updatedAt: new Date() };
    const rule = await tx.stockAllocationRule.upsert({ where: { accountId: input.accountId }, create: { accountId: input.accountId, ...data }, update: data });
    pushes = await reallocateAccount(tx, emit, input.accountId);
    return rule;
  });
  if (pushes > 0) services.wake?.('pushes');
  return rule;
}

export async function setProductMapping(services: AppServices, actor: Actor, raw: z.input<typeof productMapping>) {
  const input = productMapping.parse(raw);
  return transact(services, actor.name, async (tx) => {
    await requireProduct(tx, input.productId);
    return tx.productMapping.upsert({
      where: { field_value: { field: input.field, value: input.value } },
      create: input,
      update: { productId: input.productId },
    });
  });
}

export async function deleteProductMapping(services: AppServices, actor: Actor, raw: z.input<typeof byId>) {
  const { id } = byId.parse(raw);
  return transact(services, actor.name, async (tx) => {
    const mapping = await tx.productMapping.findUnique({ where: { id } });
    if (!mapping) throw inventoryError('MAPPING_NOT_FOUND', `No product mapping with id ${id}`, ['input', 'id']);
    await tx.productMapping.delete({ where: { id } });
    return mapping;
  });
}
