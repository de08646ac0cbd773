import { DomainError } from '../../core/domain-error.js';

/** Stable codes of every access (API token) refusal; clients switch on these. */
export const accessErrorCodes = ['VALIDATION', 'NOT_FOUND', 'ALREADY_REVOKED', 'CANNOT_REVOKE_SELF'] as const;

export type AccessErrorCode = (typeof accessErrorCodes)[number];

/** When each code is returned (the enum values' descriptions in the schema). */
export const accessErrorMeanings = {
  VALIDATION: 'An input value breaks a rule (an empty or over-100-character name, an expiresAt not in the future); `field` names it.',
  NOT_FOUND: 'No API token has this id.',
  ALREADY_REVOKED: 'The token was revoked before.',
  CANNOT_REVOKE_SELF: 'A token cannot revoke itself; use another ADMIN token.',
} as const satisfies Record<AccessErrorCode, string>;

export const accessError = (code: AccessErrorCode, message: string, field: string[] | null = null) => new DomainError<AccessErrorCode>(code, message, field);

export const tokenNotFound = (id: string) => accessError('NOT_FOUND', `No API token with id ${id}`, ['input', 'id']);
