/** zod schemas for the eMAG Marketplace API v4.4 responses this connector reads. */
import { z } from 'zod';
import { idish, intish, money, oneOrMany } from '../shared/zod-helpers.js';

/** `YYYY-mm-dd HH:ii:ss` (eMAG's only date format). */
export const emagDate = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'must be YYYY-mm-dd HH:ii:ss');

/** Any answer: the envelope fields checked before the results. */
export const envelopeHead = z.looseObject({
  isError: z.boolean(),
  messages: z.array(z.unknown()).optional(),
});

export const successEnvelope = <T extends z.ZodType>(results: T) =>
  z.looseObject({ isError: z.literal(false), messages: z.array(z.unknown()).optional(), results });

export const countResults = z.looseObject({
  noOfItems: intish,
  noOfPages: intish,
  itemsPerPage: intish.optional(),
});

const warehouseValue = z.looseObject({ warehouse_id: intish, value: intish });

/**
 * Documentation feedback (`errors`, `doc_errors`): the v4.4.9 text says "list of arrays" and its
 * table of entries was an image, so each entry is kept as sent (a string or an object).
 */
const feedback = z.array(z.unknown()).nullish();

/** `validation_status` and its kin: `{value, description, errors}`, alone or in a list. */
const reviewStatus = z.looseObject({ value: intish, description: z.string().nullish(), errors: feedback });

const image = z.looseObject({ url: z.string(), display_type: intish.nullish() });

export const offerSchema = z.looseObject({
  id: intish,
  part_number: z.string(),
  part_number_key: z.string().nullish(),
  name: z.string(),
  brand: z.string().nullish(),
  description: z.string().nullish(),
  category_id: intish.nullish(),
  images: z.array(image).nullish(),
  ean: z.array(z.string()).nullish(),
  sale_price: money,
  currency: z.string().min(3).optional(),
  stock: oneOrMany(warehouseValue).nullish(),
  general_stock: intish.nullish(),
  status: intish,
  validation_status: oneOrMany(reviewStatus).nullish(),
  translation_validation_status: oneOrMany(reviewStatus).nullish(),
  offer_validation_status: oneOrMany(reviewStatus).nullish(),
  doc_errors: feedback,
});
export type EmagOffer = z.output<typeof offerSchema>;

const orderProduct = z.looseObject({
  id: intish,
  product_id: idish,
  /** The manufacturer's code (v4.4.9 §5.1.1): not the seller's, never used to match. */
  part_number: z.string().nullish(),
  /** The seller's own code for the product. */
  ext_part_number: z.string().nullish(),
  name: z.string().nullish(),
  status: intish.nullish(),
  quantity: intish,
  sale_price: money,
  currency: z.string().nullish(),
  vat: money.nullish(),
});

const voucher = z.looseObject({
  sale_price: money,
  sale_price_vat: money.nullish(),
});

export const orderSchema = z.looseObject({
  id: intish,
  status: intish,
  type: intish.nullish(),
  date: emagDate,
  modified: emagDate.nullish(),
  shipping_tax: money.nullish(),
  customer: z
    .looseObject({
      name: z.string().nullish(),
      email: z.string().nullish(),
      phone_1: z.string().nullish(),
    })
    .nullish(),
  products: z.array(orderProduct),
  vouchers: z.array(voucher).nullish(),
});
export type EmagOrder = z.output<typeof orderSchema>;

export const offersPage = successEnvelope(z.array(offerSchema));
export const ordersPage = successEnvelope(z.array(orderSchema));
export const countPage = successEnvelope(countResults);
export const saveAnswer = successEnvelope(z.unknown());
