import { DomainError } from '../../core/domain-error.js';

/** Stable codes of every access (API token) refusal; clients switch on these. */
export const accessErrorCodes = ['VALIDATION', 'NOT_FOUND', 'ALREADY_REVOKED', 'CANNOT_REVOKE_SELF'] as const;

export type AccessErrorCode = (typeof accessErrorCodes)[number];

export const accessError = (code: AccessErrorCode, message: string, field: string[] | null = null) => new DomainError<AccessErrorCode>(code, message, field);

export const tokenNotFound = (id: string) => accessError('NOT_FOUND', `No API token with id ${id}`, ['input', 'id']);
