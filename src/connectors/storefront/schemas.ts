/** zod schemas for the generic storefront API (shared/marketplaces.md §4, our proposal). */
import { z } from 'zod';
import { idish, intish, isoDate, money } from '../shared/zod-helpers.js';

const meta = z.looseObject({
  page: intish,
  per_page: intish,
  total: intish,
  total_pages: intish,
});

export const productSchema = z.looseObject({
  id: idish,
  name: z.string(),
  sku: z.string(),
  price: money,
  stock: intish,
  currency: z.string().min(3).nullish(),
  status: z.string().nullish(),
  updated_at: isoDate,
  // Content, optional in the protocol (§4): a storefront without it reports none.
  description: z.string().nullish(),
  brand: z.string().nullish(),
  category: z.string().nullish(),
  images: z.array(z.string()).nullish(),
  barcode: z.string().nullish(),
});
export type StorefrontProduct = z.output<typeof productSchema>;

export const productsAnswer = z.looseObject({ data: z.array(productSchema), meta });

export const orderSchema = z.looseObject({
  id: idish,
  status: z.string(),
  customer: z
    .looseObject({ name: z.string().nullish(), email: z.string().nullish(), phone: z.string().nullish() })
    .nullish(),
  items: z.array(
    z.looseObject({
      product_id: idish,
      sku: z.string(),
      name: z.string().nullish(),
      quantity: intish,
      price: money,
    }),
  ),
  total: money,
  currency: z.string().min(3),
  created_at: isoDate,
  updated_at: isoDate,
});
export type StorefrontOrder = z.output<typeof orderSchema>;

export const ordersAnswer = z.looseObject({ data: z.array(orderSchema), meta });

/** Bulk PATCH answer: one entry per item, in request order. */
export const bulkAnswer = z.looseObject({
  data: z.array(
    z.looseObject({
      ok: z.boolean(),
      error: z.looseObject({ code: z.string(), message: z.string() }).nullish(),
    }),
  ),
});
