/** Codes of monitoring refusals: a query reports them as BAD_USER_INPUT with the code in `reason`. */
export type MonitoringErrorCode = 'DAYS_OUT_OF_RANGE';
