import { DomainError } from '../../core/domain-error.js';

/** Stable codes of every webhook refusal; clients switch on these. */
export const webhookErrorCodes = ['VALIDATION', 'NOT_FOUND', 'TARGET_REFUSED', 'SECRET_UNREADABLE'] as const;

export type WebhookErrorCode = (typeof webhookErrorCodes)[number];

export const webhookError = (code: WebhookErrorCode, message: string, field: string[] | null = null) => new DomainError<WebhookErrorCode>(code, message, field);

export const webhookNotFound = (id: string) => webhookError('NOT_FOUND', `No webhook with id ${id}`, ['input', 'id']);
export const deliveryNotFound = (id: string) => webhookError('NOT_FOUND', `No webhook delivery with id ${id}`, ['input', 'id']);
