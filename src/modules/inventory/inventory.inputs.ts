import { z } from 'zod';

// The rules every caller (GraphQL, scripts) gets, whatever its own input layer checks.

const id = z.uuid('must be a valid id');
const MAX = 1_000_000_000;
const units = (field: string) => z.number().int(`${field} must be a whole number`).min(-MAX, `${field} is too small`).max(MAX, `${field} is too large`);
const count = (field: string) => units(field).min(0, `${field} must be 0 or more`);
const note = z.string().trim().max(1000, 'note is at most 1000 characters').nullish();
/** A client's key for the request: the same key again posts nothing more. */
const idempotencyKey = z.string().trim().min(1, 'idempotencyKey must not be empty').max(200, 'idempotencyKey is at most 200 characters').nullish();

export const stockAdjustment = z.object({
  productId: id,
  locationId: id.nullish(),
  quantity: units('quantity').refine((q) => q !== 0, 'quantity must not be 0'),
  note,
  idempotencyKey,
});

export const stockCount = z.object({ productId: id, locationId: id.nullish(), counted: count('counted'), note, idempotencyKey });

export const stockTransfer = z.object({
  productId: id,
  fromLocationId: id,
  toLocationId: id,
  quantity: count('quantity').refine((q) => q > 0, 'quantity must be more than 0'),
  note,
  idempotencyKey,
});

export const stockSettings = z.object({ productId: id, safetyBuffer: count('safetyBuffer').nullish(), zeroStockThreshold: count('zeroStockThreshold').nullish() });

export const locationCreate = z.object({
  code: z.string().trim().min(1, 'code must not be empty').max(100, 'code is at most 100 characters'),
  name: z.string().trim().min(1, 'name must not be empty').max(200, 'name is at most 200 characters'),
  kind: z.enum(['OWN', 'MARKETPLACE']),
  accountId: id.nullish(),
});

export const allocationRule = z
  .object({ accountId: id, mode: z.enum(['SHARE', 'CAP', 'BUFFER', 'OFF']), value: count('value').nullish() })
  .refine((r) => r.mode !== 'SHARE' || (r.value ?? 100) <= 100, { message: 'a SHARE is a percent, 0 to 100', path: ['value'] });

export const productMapping = z.object({
  field: z.enum(['EKN_CODE', 'NOMENCLATURE']),
  value: z.string().trim().min(1, 'value must not be empty').max(500, 'value is at most 500 characters'),
  productId: id,
});

export const byId = z.object({ id });
export const batchProduct = z.object({ batchId: id, productId: id.nullable() });
export const workCenterStockFrom = z.object({ workCenterId: id, stockFrom: z.enum(['ALL_UNITS', 'AGGREGATED_UNITS']) });
