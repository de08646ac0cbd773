import type { z } from 'zod';
import type { Actor, AppServices } from '../../core/services.js';
import { Prisma, type Listing, type PushKind } from '../../generated/prisma/client.js';
import { transact, type Tx } from '../../db/transaction.js';
import { listingAllocated, listingDelisted, listingNotFound, productNotFound } from './catalog.errors.js';
import { listingPriceUpdate, listingStockUpdate, productCostUpdate, productHiddenUpdate } from './catalog.inputs.js';
import { recordChange } from './change-record.service.js';

const money = (value: Prisma.Decimal | string) => new Prisma.Decimal(value).toFixed(2);

/** How one pushable listing field is read, compared and written. */
interface ListingField<V> {
  kind: PushKind;
  field: 'price' | 'stock';
  event: 'listing.price_changed' | 'listing.stock_changed';
  eventKeys: [old: string, new: string];
  current: (l: Listing) => string;
  remote: (l: Listing) => string;
  data: (value: V, editedAt: Date | null, now: Date) => Prisma.ListingUpdateInput;
  /** A reason this listing's field is not the user's to edit, checked under the listing's lock. */
  refuse?: (tx: Tx, l: Listing) => Promise<Error | null>;
}

const priceField: ListingField<string> = {
  kind: 'PRICE',
  field: 'price',
  event: 'listing.price_changed',
  eventKeys: ['oldPrice', 'newPrice'],
  current: (l) => money(l.price),
  remote: (l) => money(l.remotePrice),
  data: (price, priceEditedAt, now) => ({ price, priceEditedAt, updatedAt: now }),
};

const stockField: ListingField<number> = {
  kind: 'STOCK',
  field: 'stock',
  event: 'listing.stock_changed',
  eventKeys: ['oldStock', 'newStock'],
  current: (l) => String(l.stock),
  remote: (l) => String(l.remoteStock),
  data: (stock, stockEditedAt, now) => ({ stock, stockEditedAt, updatedAt: now }),
  // Under an allocation rule the pool sets this stock: a hand edit would be overwritten at the next movement.
  refuse: async (tx, l) => {
    const rule = await tx.stockAllocationRule.findUnique({ where: { accountId: l.accountId }, select: { mode: true } });
    return rule && rule.mode !== 'OFF' ? listingAllocated(l.id, rule.mode) : null;
  },
};

/** Locks the listing row so concurrent edits (and the push worker's confirmation) apply one after another. */
export async function lockListing(tx: Tx, id: string): Promise<Listing | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Listing" WHERE id = ${id}::uuid FOR UPDATE`;
  return rows.length ? tx.listing.findUnique({ where: { id } }) : null;
}

/**
 * The shared rule of price and stock edits: record the change, mark it as an unconfirmed local edit
 * and queue exactly one push of the newest value (older pending pushes are superseded). An edit back
 * to the marketplace's own value needs no push and leaves nothing unconfirmed.
 */
async function editListing<V extends string | number>(services: AppServices, actor: Actor, listingId: string, value: V, spec: ListingField<V>) {
  let queued = false;
  const listing = await transact(services, actor.name, async (tx, emit) => {
    const current = await lockListing(tx, listingId);
    if (!current) throw listingNotFound(listingId);
    if (current.status === 'DELISTED') throw listingDelisted(listingId);
    const refusal = await spec.refuse?.(tx, current);
    if (refusal) throw refusal;
    const oldValue = spec.current(current);
    const newValue = String(value);
    if (oldValue === newValue) return current;

    const now = new Date();
    const backToRemote = newValue === spec.remote(current);
    const updated = await tx.listing.update({ where: { id: listingId }, data: spec.data(value, backToRemote ? null : now, now) });
    await recordChange(tx, { entityType: 'Listing', entityId: listingId, field: spec.field, oldValue, newValue, actor: actor.name, source: 'USER' });
    await tx.pushJob.updateMany({ where: { listingId, kind: spec.kind, status: 'PENDING' }, data: { status: 'SUPERSEDED', finishedAt: now } });
    if (!backToRemote) {
      await tx.pushJob.create({ data: { listingId, accountId: current.accountId, kind: spec.kind, value: newValue } });
      queued = true;
    }
    emit(spec.event, {
      listingId,
      productId: current.productId,
      accountId: current.accountId,
      sku: current.sku,
      [spec.eventKeys[0]]: spec.field === 'stock' ? Number(oldValue) : oldValue,
      [spec.eventKeys[1]]: value,
      source: 'USER',
    });
    return updated;
  });
  if (queued) services.wake?.('pushes');
  return listing;
}

/** Sets the price Stockline holds for a listing and queues its push to the marketplace. */
export async function updateListingPrice(services: AppServices, actor: Actor, raw: z.input<typeof listingPriceUpdate>) {
  const input = listingPriceUpdate.parse(raw);
  return editListing(services, actor, input.listingId, money(input.price), priceField);
}

/** Sets the stock Stockline holds for a listing and queues its push to the marketplace. */
export async function updateListingStock(services: AppServices, actor: Actor, raw: z.input<typeof listingStockUpdate>) {
  const input = listingStockUpdate.parse(raw);
  return editListing(services, actor, input.listingId, input.stock, stockField);
}

/** Cost is Stockline's own figure (margins); no marketplace knows it, so nothing is pushed. */
export async function updateProductCost(services: AppServices, actor: Actor, raw: z.input<typeof productCostUpdate>) {
  const { productId, cost } = productCostUpdate.parse(raw);
  const newValue = cost === null ? null : money(cost);
  return transact(services, actor.name, async (tx) => {
    const current = await tx.product.findUnique({ where: { id: productId } });
    if (!current) throw productNotFound(productId);
    const oldValue = current.cost === null ? null : money(current.cost);
    if (oldValue === newValue) return current;
    const product = await tx.product.update({ where: { id: productId }, data: { cost: newValue } });
    await recordChange(tx, { entityType: 'Product', entityId: productId, field: 'cost', oldValue, newValue, actor: actor.name, source: 'USER' });
    return product;
  });
}

/** Hides a product from Stockline's own lists and reports; the marketplaces are not told. */
export async function setProductHidden(services: AppServices, actor: Actor, raw: z.input<typeof productHiddenUpdate>) {
  const { productId, hidden } = productHiddenUpdate.parse(raw);
  return transact(services, actor.name, async (tx) => {
    const current = await tx.product.findUnique({ where: { id: productId } });
    if (!current) throw productNotFound(productId);
    if (current.hidden === hidden) return current;
    const product = await tx.product.update({ where: { id: productId }, data: { hidden } });
    await recordChange(tx, {
      entityType: 'Product',
      entityId: productId,
      field: 'hidden',
      oldValue: String(current.hidden),
      newValue: String(hidden),
      actor: actor.name,
      source: 'USER',
    });
    return product;
  });
}
