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

/** When each code is returned (the enum values' descriptions in the schema). */
export const productionErrorMeanings = {
  VALIDATION: 'An input value breaks a rule (empty or too long text, a non-positive number, a malformed id); `field` names it.',
  NOT_FOUND: 'The batch or work center the input names does not exist.',
  WORK_CENTER_NOT_FOUND: 'The workCenterId given for a batch names no work center.',
  DUPLICATE_IDENTIFIER: 'Another work center already has this identifier.',
  WORK_CENTER_IN_USE: 'The work center still has batches; delete or move them before deleting it.',
  DUPLICATE_BATCH: 'Another batch already has this batch number on this batch date.',
  BATCH_CLOSED: 'The batch is closed: reopen it to add or remove units.',
  BATCH_ALREADY_CLOSED: 'closeBatch on a batch that is already closed.',
  BATCH_NOT_CLOSED: 'reopenBatch on an open batch, or deleteBatch on an open batch (close it first).',
  UNIT_CODE_TAKEN: 'A unit with this code already exists, in this or another batch; codes are unique system-wide.',
  UNIT_NOT_FOUND: 'No unit has this code (or, for removeUnitFromBatch, not in this batch).',
  UNIT_IN_ANOTHER_BATCH: 'The unit to aggregate belongs to another batch than the one given.',
  UNIT_ALREADY_AGGREGATED: 'The unit was aggregated before (the message says when); a unit is aggregated once.',
  UNIT_AGGREGATED: 'An aggregated unit cannot be removed from its batch.',
  INVALID_SHIFT: 'After the update shiftEnd would not be after shiftStart.',
} as const satisfies Record<ProductionErrorCode, string>;

export const productionError = (code: ProductionErrorCode, message: string, field: string[] | null = null) =>
  new DomainError<ProductionErrorCode>(code, message, field);

export const batchNotFound = (id: string, field = 'id') => productionError('NOT_FOUND', `No batch with id ${id}`, ['input', field]);
