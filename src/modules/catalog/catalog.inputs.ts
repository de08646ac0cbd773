import { z } from 'zod';

// The rules every caller (GraphQL, scripts, future bulk edits) gets, whatever its own input layer checks.

const id = z.uuid('must be a valid id');
/** Fits the Decimal(14, 2) columns: at most 12 integer and 2 fraction digits, no sign. */
const decimal = (field: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,12}(\.\d{1,2})?$/, {
      message: `${field} must be a non-negative decimal with at most 12 integer and 2 fraction digits, like "12.50"`,
      abort: true,
    });

export const listingPriceUpdate = z.object({
  listingId: id,
  price: decimal('price').refine((v) => Number(v) > 0, 'price must be greater than 0'),
});

export const listingStockUpdate = z.object({
  listingId: id,
  stock: z.number().int('stock must be a whole number').min(0, 'stock must be 0 or more').max(2_147_483_647, 'stock is too large'),
});

export const productCostUpdate = z.object({ productId: id, cost: decimal('cost').nullable() });

export const productHiddenUpdate = z.object({ productId: id, hidden: z.boolean() });

export type ListingPriceUpdate = z.infer<typeof listingPriceUpdate>;
export type ListingStockUpdate = z.infer<typeof listingStockUpdate>;
