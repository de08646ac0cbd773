import { DomainError } from '../../core/domain-error.js';

/** Stable codes of every webhook refusal; clients switch on these. */
export const webhookErrorCodes = ['VALIDATION', 'NOT_FOUND', 'TARGET_REFUSED', 'SECRET_UNREADABLE'] as const;

export type WebhookErrorCode = (typeof webhookErrorCodes)[number];

/** When each code is returned (the enum values' descriptions in the schema). */
export const webhookErrorMeanings = {
  VALIDATION: 'An input value breaks a rule (not an http(s) URL, an unknown event type, a secret under 24 characters, retryCount or timeoutMs out of range); `field` names it.',
  NOT_FOUND: 'The webhook or delivery the input names does not exist.',
  TARGET_REFUSED: "The URL's host does not resolve, or it is (or resolves to) a private, loopback or link-local address while the server allows only public targets.",
  SECRET_UNREADABLE: "The webhook's stored secret cannot be decrypted with the server's current key; rotate the secret.",
} as const satisfies Record<WebhookErrorCode, string>;

export const webhookError = (code: WebhookErrorCode, message: string, field: string[] | null = null) => new DomainError<WebhookErrorCode>(code, message, field);

export const webhookNotFound = (id: string) => webhookError('NOT_FOUND', `No webhook with id ${id}`, ['input', 'id']);
export const deliveryNotFound = (id: string) => webhookError('NOT_FOUND', `No webhook delivery with id ${id}`, ['input', 'id']);
