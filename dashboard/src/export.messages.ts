/** Words of the CSV export button (csv-export-button.tsx). */
import { defineMessages } from './i18n';

export const exportMessages = defineMessages(
  {
    exportCsv: 'Export CSV',
    exporting: 'Exporting… {percent} %',
    ready: { one: 'Download {filename} ({count} row)', other: 'Download {filename} ({count} rows)' },
    failed: 'The export failed: {error}',
  },
  {
    ru: {
      exportCsv: 'Выгрузить CSV',
      exporting: 'Выгрузка… {percent} %',
      ready: { one: 'Скачать {filename} ({count} строка)', few: 'Скачать {filename} ({count} строки)', many: 'Скачать {filename} ({count} строк)', other: 'Скачать {filename} ({count} строки)' },
      failed: 'Выгрузка не удалась: {error}',
    },
    ro: {
      exportCsv: 'Exportă CSV',
      exporting: 'Se exportă… {percent} %',
      ready: { one: 'Descarcă {filename} ({count} rând)', few: 'Descarcă {filename} ({count} rânduri)', other: 'Descarcă {filename} ({count} de rânduri)' },
      failed: 'Exportul a eșuat: {error}',
    },
  },
);
