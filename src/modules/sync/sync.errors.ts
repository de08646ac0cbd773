import { DomainError } from '../../core/domain-error.js';

/** Stable codes of every sync refusal; clients switch on these. */
export const syncErrorCodes = ['VALIDATION', 'NOT_FOUND', 'ACCOUNT_DISABLED', 'NO_ACCOUNTS', 'RUN_FINISHED', 'ALREADY_RESOLVED'] as const;

export type SyncErrorCode = (typeof syncErrorCodes)[number];

/** When each code is returned (the enum values' descriptions in the schema). */
export const syncErrorMeanings = {
  VALIDATION: 'An input value breaks a rule (e.g. SELECTIVE without skus, skus without SELECTIVE, more than 10000 SKUs); `field` names it.',
  NOT_FOUND: 'The account, run or conflict the input names does not exist.',
  ACCOUNT_DISABLED: 'triggerSync named a disabled account; enable it to sync.',
  NO_ACCOUNTS: 'triggerSync found no enabled account to sync (none at all, or none on the given channels).',
  RUN_FINISHED: 'cancelSyncRun on a run that already ended.',
  ALREADY_RESOLVED: 'resolveSyncConflict on a conflict that was resolved before (the message says how and by whom).',
} as const satisfies Record<SyncErrorCode, string>;

export const syncError = (code: SyncErrorCode, message: string, field: string[] | null = null) => new DomainError<SyncErrorCode>(code, message, field);
