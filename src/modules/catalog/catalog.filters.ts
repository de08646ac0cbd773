import { sortWithTieBreak } from '../../db/order-by.js';
import type { Channel, Prisma } from '../../generated/prisma/client.js';
import { isUuid } from '../../core/ids.js';

/** Matches no row: an id that is not a UUID cannot name one (and PostgreSQL would refuse to compare it). */
const NOTHING = { id: { in: [] as string[] } };

/** Product list filters, shared by the `products` query and (later) exports and dashboards. */
export interface ProductFilter {
  /** Products with a listing (any status) on an account of this channel. */
  channel?: Channel | null;
  /** Products with a listing (any status) on this account. */
  accountId?: string | null;
  /** Part of the SKU, the name or a listing's brand (any case), or a listing's exact barcode. */
  search?: string | null;
  /**
   * true: a listing (with `channel`/`accountId`: one there) has rejection reasons; false: none
   * has ("rejected on eMAG" is channel EMAG, rejected true).
   */
  rejected?: boolean | null;
  /**
   * true: no live (not DELISTED) listing has stock; false: at least one has. With `channel` or
   * `accountId`, only the listings there count ("out of stock on eMAG").
   */
  outOfStock?: boolean | null;
  /** Default: hidden and visible products alike. */
  hidden?: boolean | null;
  /** The product or one of its listings (with `channel`/`accountId`: one there) changed at or after this time. */
  changedSince?: Date | null;
}

export function productWhere(filter: ProductFilter | null | undefined): Prisma.ProductWhereInput {
  if (!filter) return {};
  if (filter.accountId && !isUuid(filter.accountId)) return NOTHING;
  const and: Prisma.ProductWhereInput[] = [];
  // The listings the channel/account filters name; outOfStock looks at the same ones.
  const scope: Prisma.ListingWhereInput = {};
  if (filter.accountId) scope.accountId = filter.accountId;
  if (filter.channel) scope.account = { channel: filter.channel };
  if (filter.accountId || filter.channel) and.push({ listings: { some: scope } });
  if (filter.outOfStock != null) {
    const inStock: Prisma.ListingWhereInput = { ...scope, status: { not: 'DELISTED' }, stock: { gt: 0 } };
    and.push({ listings: filter.outOfStock ? { none: inStock } : { some: inStock } });
  }
  if (filter.rejected != null) {
    const rejected: Prisma.ListingWhereInput = { ...scope, NOT: { rejectionReasons: { isEmpty: true } } };
    and.push({ listings: filter.rejected ? { some: rejected } : { none: rejected } });
  }
  const search = filter.search?.trim();
  if (search) {
    and.push({
      OR: [
        { sku: { contains: search, mode: 'insensitive' } },
        { name: { contains: search, mode: 'insensitive' } },
        { listings: { some: { OR: [{ brand: { contains: search, mode: 'insensitive' } }, { barcodes: { has: search } }] } } },
      ],
    });
  }
  if (filter.hidden != null) and.push({ hidden: filter.hidden });
  if (filter.changedSince) {
    const since = { gte: filter.changedSince };
    and.push({ OR: [{ updatedAt: since }, { listings: { some: { ...scope, updatedAt: since } } }] });
  }
  return and.length ? { AND: and } : {};
}

/** Every product column a list can be sorted by; ties are broken by id so pages never overlap. */
export const productSortFields = {
  SKU: 'sku',
  NAME: 'name',
  COST: 'cost',
  CREATED_AT: 'createdAt',
  UPDATED_AT: 'updatedAt',
} as const satisfies Record<string, keyof Prisma.ProductOrderByWithRelationInput>;

export type ProductSortField = keyof typeof productSortFields;

export function productOrderBy(field: ProductSortField = 'SKU', direction: 'ASC' | 'DESC' = 'ASC'): Prisma.ProductOrderByWithRelationInput[] {
  const column = productSortFields[field];
  return sortWithTieBreak(column, direction, column === 'cost');
}

/** A product's listings, optionally on one account only. */
export function listingsOfProductWhere(accountId: string | null | undefined): Prisma.ListingWhereInput {
  if (accountId && !isUuid(accountId)) return NOTHING;
  return accountId ? { accountId } : {};
}

/** Listings grouped the way a seller reads them: by channel, then account name. */
export const listingOrderBy: Prisma.ListingOrderByWithRelationInput[] = [{ account: { channel: 'asc' } }, { account: { name: 'asc' } }, { id: 'asc' }];
