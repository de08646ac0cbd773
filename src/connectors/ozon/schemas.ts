/** zod schemas for the Ozon Seller API responses this connector reads. */
import { z } from 'zod';
import { idish, intish, money } from '../shared/zod-helpers.js';

/** rpcStatus: the body of every non-2xx answer. */
export const rpcStatus = z.looseObject({
  code: z.number().int(),
  message: z.string(),
});

export const productListAnswer = z.looseObject({
  result: z.looseObject({
    items: z.array(
      z.looseObject({
        product_id: z.number().int(),
        offer_id: z.string(),
        archived: z.boolean().optional(),
      }),
    ),
    total: z.number().int(),
    last_id: z.string(),
  }),
});
export type OzonProduct = z.output<typeof productListAnswer>['result']['items'][number];

/** v4 stocks: no `result` wrapper. */
export const stocksAnswer = z.looseObject({
  cursor: z.string(),
  total: z.number().int(),
  items: z.array(
    z.looseObject({
      offer_id: z.string(),
      product_id: z.number().int(),
      stocks: z.array(
        z.looseObject({
          type: z.string(),
          present: z.number().int(),
          reserved: z.number().int(),
          warehouse_ids: z.array(idish).optional(),
        }),
      ),
    }),
  ),
});
export type OzonStockItem = z.output<typeof stocksAnswer>['items'][number];

/** v5 prices: numbers. */
export const pricesAnswer = z.looseObject({
  cursor: z.string(),
  total: z.number().int(),
  items: z.array(
    z.looseObject({
      offer_id: z.string(),
      product_id: z.number().int(),
      price: z.looseObject({
        price: money,
        currency_code: z.string().min(3),
      }),
    }),
  ),
});
export type OzonPriceItem = z.output<typeof pricesAnswer>['items'][number];

/** Writes answer 200 with per-item errors. */
export const updateAnswer = z.looseObject({
  result: z.array(
    z.looseObject({
      product_id: z.number().int().nullish(),
      offer_id: z.string().nullish(),
      updated: z.boolean(),
      errors: z.array(z.looseObject({ code: z.string(), message: z.string().optional() })).nullish(),
    }),
  ),
});

export const postingSchema = z.looseObject({
  posting_number: z.string(),
  order_id: z.number().int().nullish(),
  status: z.string(),
  in_process_at: z.iso.datetime({ offset: true }),
  customer: z
    .looseObject({
      name: z.string().nullish(),
      phone: z.string().nullish(),
    })
    .nullish(),
  products: z.array(
    z.looseObject({
      sku: z.number().int(),
      offer_id: z.string(),
      name: z.string().nullish(),
      quantity: intish,
      price: money,
      currency_code: z.string().nullish(),
    }),
  ),
  financial_data: z
    .looseObject({
      products: z.array(z.looseObject({ product_id: z.number().int() })).nullish(),
    })
    .nullish(),
});
export type OzonPosting = z.output<typeof postingSchema>;

export const postingsAnswer = z.looseObject({
  result: z.looseObject({
    postings: z.array(postingSchema),
    has_next: z.boolean(),
  }),
});
