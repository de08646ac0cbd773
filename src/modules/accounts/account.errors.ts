import { DomainError } from '../../core/domain-error.js';

/** Stable codes of every account refusal; clients switch on these. */
export const accountErrorCodes = ['VALIDATION', 'NOT_FOUND', 'DUPLICATE_NAME', 'CREDENTIALS_UNREADABLE', 'TARGET_REFUSED'] as const;

export type AccountErrorCode = (typeof accountErrorCodes)[number];

/** When each code is returned (the enum values' descriptions in the schema). */
export const accountErrorMeanings = {
  VALIDATION: "An input value breaks a rule (a missing or malformed credential of the channel, fulfillment on a channel other than eMAG, a bad baseUrl, rateLimits or options); `field` names it.",
  NOT_FOUND: 'No marketplace account has this id.',
  DUPLICATE_NAME: 'Another account already has this name.',
  CREDENTIALS_UNREADABLE: "The account's stored credentials cannot be decrypted with the server's current key; set them again with updateAccount.",
  TARGET_REFUSED: "baseUrl's host does not resolve, or it is (or resolves to) a private, loopback or link-local address while the server allows only public targets.",
} as const satisfies Record<AccountErrorCode, string>;

export const accountError = (code: AccountErrorCode, message: string, field: string[] | null = null) => new DomainError<AccountErrorCode>(code, message, field);

export const accountNotFound = (id: string) => accountError('NOT_FOUND', `No marketplace account with id ${id}`, ['input', 'id']);
export const duplicateName = (name: string) =>
  accountError('DUPLICATE_NAME', `A marketplace account named "${name}" already exists`, ['input', 'name']);
