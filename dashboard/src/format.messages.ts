/** Words of the display helpers (format.ts): units of durations and the lag of an account never synced. */
import { defineMessages } from './i18n';

export const formatMessages = defineMessages(
  { ms: 'ms', s: 's', min: 'min', h: 'h', neverSynced: 'never synced' },
  {
    ru: { ms: 'мс', s: 'с', min: 'мин', h: 'ч', neverSynced: 'ещё не синхронизировался' },
    ro: { ms: 'ms', s: 's', min: 'min', h: 'h', neverSynced: 'nesincronizat încă' },
  },
);
