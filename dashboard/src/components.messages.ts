/**
 * Words of the shared pieces (components.tsx). Statuses (and alert kinds and severities) are the API's codes: English shows them as
 * they are (what the API, the logs and the docs say); Russian and Romanian say them in words. A
 * status not listed here is shown as its code in every language.
 */
import { defineMessages } from './i18n';

export const componentMessages = defineMessages('components', { loading: 'Loading {what}…', scrollTable: 'Table (scrolls sideways)' });

export const statusMessages = defineMessages('status', {
  PENDING: 'PENDING',
  RUNNING: 'RUNNING',
  SUCCESS: 'SUCCESS',
  PARTIAL: 'PARTIAL',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
  INTERRUPTED: 'INTERRUPTED',
  ENABLED: 'ENABLED',
  DISABLED: 'DISABLED',
  OPEN: 'OPEN',
  CLOSED: 'CLOSED',
  DEAD: 'DEAD',
  AUTH_FAILURE: 'AUTH_FAILURE',
  ERROR_RATE: 'ERROR_RATE',
  REPEATED_FAILURES: 'REPEATED_FAILURES',
  STALE_DATA: 'STALE_DATA',
  WEBHOOK_DISABLED: 'WEBHOOK_DISABLED',
  CRITICAL: 'CRITICAL',
  WARNING: 'WARNING',
});
