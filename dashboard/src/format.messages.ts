/** Words of the display helpers (format.ts): units of durations and the lag of an account never synced. */
import { defineMessages } from './i18n';

export const formatMessages = defineMessages('format', { ms: 'ms', s: 's', min: 'min', h: 'h', neverSynced: 'never synced' });
