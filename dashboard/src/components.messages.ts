/**
 * Words of the shared pieces (components.tsx). Statuses (and alert kinds and severities) are the API's codes: English shows them as
 * they are (what the API, the logs and the docs say); Russian and Romanian say them in words. A
 * status not listed here is shown as its code in every language.
 */
import { defineMessages } from './i18n';

export const componentMessages = defineMessages(
  { loading: 'Loading {what}…', scrollTable: 'Table (scrolls sideways)' },
  {
    ru: { loading: 'Загрузка: {what}…', scrollTable: 'Таблица (прокручивается вбок)' },
    ro: { loading: 'Se încarcă: {what}…', scrollTable: 'Tabel (derulează lateral)' },
  },
);

export const STATUS_WORDS: Record<'ru' | 'ro', Record<string, string>> = {
  ru: {
    PENDING: 'В очереди',
    RUNNING: 'Выполняется',
    SUCCESS: 'Успешно',
    PARTIAL: 'Частично',
    FAILED: 'Ошибка',
    CANCELLED: 'Отменено',
    INTERRUPTED: 'Прервано',
    ENABLED: 'Включён',
    DISABLED: 'Отключён',
    OPEN: 'Открыта',
    CLOSED: 'Закрыта',
    DEAD: 'Не доставлено',
    AUTH_FAILURE: 'Ошибка авторизации',
    ERROR_RATE: 'Много ошибок',
    REPEATED_FAILURES: 'Повторяющиеся сбои',
    STALE_DATA: 'Данные устарели',
    WEBHOOK_DISABLED: 'Вебхук отключён',
    CRITICAL: 'критично',
    WARNING: 'предупреждение',
  },
  ro: {
    PENDING: 'În așteptare',
    RUNNING: 'În curs',
    SUCCESS: 'Reușit',
    PARTIAL: 'Parțial',
    FAILED: 'Eșuat',
    CANCELLED: 'Anulat',
    INTERRUPTED: 'Întrerupt',
    ENABLED: 'Activ',
    DISABLED: 'Dezactivat',
    OPEN: 'Deschis',
    CLOSED: 'Închis',
    DEAD: 'Nelivrat',
    AUTH_FAILURE: 'Autentificare eșuată',
    ERROR_RATE: 'Multe erori',
    REPEATED_FAILURES: 'Eșecuri repetate',
    STALE_DATA: 'Date neactualizate',
    WEBHOOK_DISABLED: 'Webhook dezactivat',
    CRITICAL: 'critic',
    WARNING: 'avertisment',
  },
};
