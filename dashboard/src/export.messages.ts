/** Words of the CSV export button (csv-export-button.tsx). */
import { defineMessages } from './i18n';

export const exportMessages = defineMessages('export', {
  exportCsv: 'Export CSV',
  exporting: 'Exporting… {percent} %',
  ready: { one: 'Download {filename} ({count} row)', other: 'Download {filename} ({count} rows)' },
  failed: 'The export failed: {error}',
});
