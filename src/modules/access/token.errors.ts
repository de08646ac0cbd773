/** Stable codes of every access (API token) refusal; clients switch on these. */
export const accessErrorCodes = ['VALIDATION', 'NOT_FOUND', 'ALREADY_REVOKED', 'CANNOT_REVOKE_SELF'] as const;

export type AccessErrorCode = (typeof accessErrorCodes)[number];
