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

/**
 * /v3/product/info/list: no `result` wrapper; most fields may be missing on young products. Its
 * items are large (marketing, commission and index data we do not read), so these schemas strip
 * unknown keys instead of copying them: a 1000-item page parses several times faster.
 */
const infoError = z.object({
  code: z.string().nullish(),
  level: z.string().nullish(),
  texts: z
    .looseObject({
      attribute_name: z.string().nullish(),
      short_description: z.string().nullish(),
      description: z.string().nullish(),
      message: z.string().nullish(),
    })
    .nullish(),
});
export const productInfoAnswer = z.object({
  items: z.array(
    z.object({
      id: z.number().int(),
      offer_id: z.string(),
      sku: z.number().int().nullish(),
      name: z.string().nullish(),
      barcodes: z.array(z.string()).nullish(),
      images: z.array(z.string()).nullish(),
      primary_image: z.array(z.string()).nullish(),
      description_category_id: z.number().int().nullish(),
      currency_code: z.string().nullish(),
      price: money.nullish(),
      old_price: money.nullish(),
      is_archived: z.boolean().nullish(),
      is_autoarchived: z.boolean().nullish(),
      updated_at: z.iso.datetime({ offset: true }).nullish(),
      statuses: z
        .looseObject({
          status: z.string().nullish(),
          status_name: z.string().nullish(),
          status_description: z.string().nullish(),
          moderate_status: z.string().nullish(),
          validation_status: z.string().nullish(),
        })
        .nullish(),
      errors: z.array(infoError).nullish(),
      stocks: z
        .looseObject({
          stocks: z.array(z.object({ source: z.string(), present: z.number().int(), reserved: z.number().int() })).nullish(),
        })
        .nullish(),
    }),
  ),
});
export type OzonProductInfo = z.output<typeof productInfoAnswer>['items'][number];

/** /v1/product/info/stocks-by-warehouse/fbs: one row per SKU and FBS/rFBS warehouse; `present` includes reserved. */
export const warehouseStocksAnswer = z.looseObject({
  result: z.array(
    z.looseObject({
      sku: z.number().int(),
      product_id: z.number().int(),
      warehouse_id: z.number().int(),
      present: z.number().int(),
      reserved: z.number().int(),
    }),
  ),
});
export type OzonWarehouseStock = z.output<typeof warehouseStocksAnswer>['result'][number];

/** /v1/warehouse/list: the seller's FBS and rFBS warehouses. */
export const warehouseListAnswer = z.looseObject({
  result: z.array(
    z.looseObject({
      warehouse_id: z.number().int(),
      name: z.string().nullish(),
      status: z.string().nullish(),
      is_rfbs: z.boolean().nullish(),
    }),
  ),
});
export type OzonWarehouse = z.output<typeof warehouseListAnswer>['result'][number];

/**
 * v5 prices: numbers; read before a price push for old_price and currency. Items are parsed one by
 * one (`priceItem`): one odd item must not fail the read, and with it every price of the batch.
 */
export const priceItem = z.looseObject({
  offer_id: z.string(),
  product_id: z.number().int(),
  price: z.looseObject({
    price: money,
    old_price: money.nullish(),
    currency_code: z.string().nullish(),
  }),
});
export type OzonPriceItem = z.output<typeof priceItem>;
export const pricesAnswer = z.looseObject({
  cursor: z.string(),
  items: z.array(z.unknown()),
});

/** Writes answer 200 with per-item errors. */
export const updateAnswer = z.looseObject({
  result: z.array(
    z.looseObject({
      product_id: z.number().int().nullish(),
      offer_id: z.string().nullish(),
      warehouse_id: z.number().int().nullish(),
      updated: z.boolean(),
      errors: z.array(z.looseObject({ code: z.string(), message: z.string().optional() })).nullish(),
    }),
  ),
});

/** FBS and FBO postings share what we read; FBO has no `customer`. */
export const postingSchema = z.looseObject({
  posting_number: z.string(),
  order_id: z.number().int().nullish(),
  status: z.string(),
  in_process_at: z.iso.datetime({ offset: true }),
  created_at: z.iso.datetime({ offset: true }).nullish(),
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

/** /v2/posting/fbo/list: `result` is the array itself, with no `has_next`. */
export const fboPostingsAnswer = z.looseObject({
  result: z.array(postingSchema),
});

/** /v2/posting/fbo/get: one FBO posting by number. */
export const fboPostingAnswer = z.looseObject({
  result: postingSchema,
});
