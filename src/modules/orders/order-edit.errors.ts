import { DomainError } from '../../core/domain-error.js';

/** Stable codes of every order edit refusal; clients switch on these. */
export const orderErrorCodes = ['VALIDATION', 'NOT_FOUND'] as const;

export type OrderErrorCode = (typeof orderErrorCodes)[number];

/** When each code is returned (the enum values' descriptions in the schema). */
export const orderErrorMeanings = {
  VALIDATION: 'An input value breaks a rule (a malformed id); `field` names it.',
  NOT_FOUND: 'No order has this id.',
} as const satisfies Record<OrderErrorCode, string>;

export const orderError = (code: OrderErrorCode, message: string, field: string[] | null = null) => new DomainError<OrderErrorCode>(code, message, field);

export const orderNotFound = (id: string) => orderError('NOT_FOUND', `No order with id ${id}`, ['input', 'orderId']);
