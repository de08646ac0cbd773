import { DomainError } from '../../core/domain-error.js';

/** Stable codes of every production refusal; clients switch on these. */
export const productionErrorCodes = [
  'VALIDATION',
  'NOT_FOUND',
  'WORK_CENTER_NOT_FOUND',
  'DUPLICATE_IDENTIFIER',
  'WORK_CENTER_IN_USE',
  'DUPLICATE_BATCH',
  'BATCH_CLOSED',
  'BATCH_ALREADY_CLOSED',
  'BATCH_NOT_CLOSED',
  'UNIT_CODE_TAKEN',
  'UNIT_NOT_FOUND',
  'UNIT_IN_ANOTHER_BATCH',
  'UNIT_ALREADY_AGGREGATED',
  'UNIT_AGGREGATED',
  'INVALID_SHIFT',
] as const;

export type ProductionErrorCode = (typeof productionErrorCodes)[number];

export const productionError = (code: ProductionErrorCode, message: string, field: string[] | null = null) =>
  new DomainError<ProductionErrorCode>(code, message, field);

export const batchNotFound = (id: string, field = 'id') => productionError('NOT_FOUND', `No batch with id ${id}`, ['input', field]);
