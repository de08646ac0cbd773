import { DomainError } from '../../core/domain-error.js';

/** Codes of order statistics refusals: a query reports them as BAD_USER_INPUT with the code in `reason`. */
export type OrderStatsErrorCode = 'RANGE_TOO_LONG';

export const orderStatsError = (code: OrderStatsErrorCode, message: string, field: string[] | null = null) => new DomainError<OrderStatsErrorCode>(code, message, field);
