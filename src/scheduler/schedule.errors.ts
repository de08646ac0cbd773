import { DomainError } from '../core/domain-error.js';

/** Stable codes of every schedule refusal; clients switch on these. */
export const scheduleErrorCodes = ['VALIDATION', 'NOT_FOUND', 'NOT_DELETABLE'] as const;

export type ScheduleErrorCode = (typeof scheduleErrorCodes)[number];

export const scheduleError = (code: ScheduleErrorCode, message: string, field: string[] | null = null) => new DomainError<ScheduleErrorCode>(code, message, field);
