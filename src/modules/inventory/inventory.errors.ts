import { DomainError } from '../../core/domain-error.js';

/** Stable codes of every stock pool refusal; clients switch on these. */
export const inventoryErrorCodes = [
  'VALIDATION',
  'PRODUCT_NOT_FOUND',
  'LOCATION_NOT_FOUND',
  'ACCOUNT_NOT_FOUND',
  'DUPLICATE_LOCATION',
  'SAME_LOCATION',
  'INSUFFICIENT_STOCK',
  'BATCH_NOT_FOUND',
  'WORK_CENTER_NOT_FOUND',
  'MAPPING_NOT_FOUND',
  'MARKETPLACE_FULFILLED',
  'IDEMPOTENCY_KEY_REUSED',
] as const;

export type InventoryErrorCode = (typeof inventoryErrorCodes)[number];

/** When each code is returned (the enum values' descriptions in the schema). */
export const inventoryErrorMeanings = {
  VALIDATION: 'An input value breaks a rule (a zero quantity, a negative count or buffer, a share above 100, a malformed id); `field` names it.',
  PRODUCT_NOT_FOUND: 'No product has the id given.',
  LOCATION_NOT_FOUND: 'No stock location has the id given.',
  ACCOUNT_NOT_FOUND: 'No marketplace account has the id given.',
  DUPLICATE_LOCATION: 'Another stock location already has this code.',
  SAME_LOCATION: 'A transfer names the same location as source and destination.',
  INSUFFICIENT_STOCK: 'A transfer moves more units than the source location has on hand.',
  BATCH_NOT_FOUND: 'No batch has the id given.',
  WORK_CENTER_NOT_FOUND: 'No work center has the id given.',
  MAPPING_NOT_FOUND: 'No product mapping has the id given.',
  MARKETPLACE_FULFILLED: 'The account is fulfilled by the marketplace (eMAG FBE): its stock is the marketplace\'s, tracked but never allocated from the pool.',
  IDEMPOTENCY_KEY_REUSED:
    'The idempotencyKey was already used (by the same token) for another request: another product, location, quantity, count or kind of change. The same request with the same key answers what it posted the first time.',
} as const satisfies Record<InventoryErrorCode, string>;

export const inventoryError = (code: InventoryErrorCode, message: string, field: string[] | null = null) => new DomainError<InventoryErrorCode>(code, message, field);

export const productNotFound = (id: string, field = 'productId') => inventoryError('PRODUCT_NOT_FOUND', `No product with id ${id}`, ['input', field]);
export const locationNotFound = (id: string, field = 'locationId') => inventoryError('LOCATION_NOT_FOUND', `No stock location with id ${id}`, ['input', field]);

export const idempotencyKeyReused = (key: string) =>
  inventoryError('IDEMPOTENCY_KEY_REUSED', `idempotencyKey "${key}" was used for another request; send a new key for a new change`, ['input', 'idempotencyKey']);
