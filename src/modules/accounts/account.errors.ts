import { DomainError } from '../../core/domain-error.js';

/** Stable codes of every account refusal; clients switch on these. */
export const accountErrorCodes = ['VALIDATION', 'NOT_FOUND', 'DUPLICATE_NAME', 'CREDENTIALS_UNREADABLE', 'TARGET_REFUSED'] as const;

export type AccountErrorCode = (typeof accountErrorCodes)[number];

export const accountError = (code: AccountErrorCode, message: string, field: string[] | null = null) => new DomainError<AccountErrorCode>(code, message, field);

export const accountNotFound = (id: string) => accountError('NOT_FOUND', `No marketplace account with id ${id}`, ['input', 'id']);
export const duplicateName = (name: string) =>
  accountError('DUPLICATE_NAME', `A marketplace account named "${name}" already exists`, ['input', 'name']);
