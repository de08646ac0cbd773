import { DomainError } from '../../core/domain-error.js';

/** Stable codes of every sync refusal; clients switch on these. */
export const syncErrorCodes = ['VALIDATION', 'NOT_FOUND', 'ACCOUNT_DISABLED', 'NO_ACCOUNTS', 'RUN_FINISHED', 'ALREADY_RESOLVED'] as const;

export type SyncErrorCode = (typeof syncErrorCodes)[number];

export const syncError = (code: SyncErrorCode, message: string, field: string[] | null = null) => new DomainError<SyncErrorCode>(code, message, field);
