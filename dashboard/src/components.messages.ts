/**
 * Words of the shared pieces (components.tsx). Statuses (and alert kinds and severities) are the API's codes: English shows them as
 * they are (what the API, the logs and the docs say); Russian and Romanian say them in words. A
 * status not listed here is shown as its code in every language.
 */
import { defineMessages } from './i18n';

export const componentMessages = defineMessages('components', { loading: 'Loading {what}…', scrollTable: 'Table (scrolls sideways)' });

/** The codes that have words (English shows the code itself). */
const STATUS_CODES = ['PENDING', 'RUNNING', 'SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED', 'INTERRUPTED', 'ENABLED', 'DISABLED', 'OPEN', 'CLOSED', 'DEAD', 'AUTH_FAILURE', 'ERROR_RATE', 'REPEATED_FAILURES', 'STALE_DATA', 'WEBHOOK_DISABLED', 'OVERSELL', 'CRITICAL', 'WARNING', 'ACTIVE', 'INACTIVE', 'DELISTED', 'REVOKED', 'EXPIRED'] as const;
export const statusMessages = defineMessages('status', Object.fromEntries(STATUS_CODES.map((code) => [code, code])) as Record<(typeof STATUS_CODES)[number], string>);
