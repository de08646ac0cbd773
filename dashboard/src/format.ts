/** Display helpers: dates, numbers and money in the chosen locale (i18n.ts), durations and lags in its words. */
import { formatMessages } from './format.messages';
import { currentLocale, translate } from './i18n';

const word = (key: keyof (typeof formatMessages)['en']) => translate(formatMessages, currentLocale(), key);
/** A number written the locale's way (1,5 in Russian and Romanian), with `digits` decimals. */
const decimal = (value: number, digits: number) => value.toLocaleString(currentLocale(), { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(currentLocale(), { dateStyle: 'short', timeStyle: 'medium' });
}

/** A calendar date (YYYY-MM-DD, no time zone) written the locale's way: 06.12.2026, 12/6/26. */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '—';
  const day = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(day.getTime()) ? date : day.toLocaleDateString(currentLocale(), { dateStyle: 'short', timeZone: 'UTC' });
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ${word('ms')}`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${decimal(seconds, 1)} ${word('s')}`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} ${word('min')} ${Math.round(seconds % 60)} ${word('s')}`;
  return `${Math.floor(minutes / 60)} ${word('h')} ${minutes % 60} ${word('min')}`;
}

/** How long ago, in the locale's words (Intl.RelativeTimeFormat: "5 min ago", "5 мин назад", "acum 5 min"). */
export function formatLag(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return word('neverSynced');
  const ago = new Intl.RelativeTimeFormat(currentLocale(), { style: 'short', numeric: 'always' });
  if (seconds < 60) return ago.format(-seconds, 'second');
  if (seconds < 3600) return ago.format(-Math.floor(seconds / 60), 'minute');
  if (seconds < 86400) return ago.format(-Math.floor(seconds / 3600), 'hour');
  return ago.format(-Math.floor(seconds / 86400), 'day');
}

export const formatPercent = (fraction: number | null | undefined) => (fraction === null || fraction === undefined ? '—' : `${decimal(fraction * 100, 1)} %`);

/** An amount in its currency, written the locale's way (1 234,50 RON); an unknown currency code is shown as given. */
export function formatAmount(amount: string, currency: string): string {
  try {
    return new Intl.NumberFormat(currentLocale(), { style: 'currency', currency }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
}

export const formatMoney = (amounts: { amount: string; currency: string }[]) => (amounts.length ? amounts.map((m) => formatAmount(m.amount, m.currency)).join(', ') : '—');

export const shortId = (id: string | null | undefined) => (id ? id.slice(0, 8) : '—');
