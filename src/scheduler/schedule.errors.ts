import { DomainError } from '../core/domain-error.js';

/** Stable codes of every schedule refusal; clients switch on these. */
export const scheduleErrorCodes = ['VALIDATION', 'NOT_FOUND', 'NOT_DELETABLE'] as const;

export type ScheduleErrorCode = (typeof scheduleErrorCodes)[number];

/** When each code is returned (the enum values' descriptions in the schema). */
export const scheduleErrorMeanings = {
  VALIDATION: 'An input value breaks a rule (a bad cron expression, both or neither of cron and intervalSeconds, an interval out of range, an unknown time zone, scope or mode on a non-SYNC schedule); `field` names it.',
  NOT_FOUND: 'The schedule, or the account of a new schedule, does not exist.',
  NOT_DELETABLE: 'The schedule is one of the defaults Stockline keeps; disable it instead.',
} as const satisfies Record<ScheduleErrorCode, string>;

export const scheduleError = (code: ScheduleErrorCode, message: string, field: string[] | null = null) => new DomainError<ScheduleErrorCode>(code, message, field);
