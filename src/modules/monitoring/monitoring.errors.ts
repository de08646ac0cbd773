import { DomainError } from '../../core/domain-error.js';

/** Codes of monitoring refusals: a query reports them as BAD_USER_INPUT with the code in `reason`. */
export type MonitoringErrorCode = 'DAYS_OUT_OF_RANGE';

export const monitoringError = (code: MonitoringErrorCode, message: string, field: string[] | null = null) => new DomainError<MonitoringErrorCode>(code, message, field);
