/** Display helpers: dates and money in the chosen locale (i18n.ts), durations and lags in words. */
import { currentLocale } from './i18n';

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(currentLocale(), { dateStyle: 'short', timeStyle: 'medium' });
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatLag(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return 'never synced';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

export const formatPercent = (fraction: number | null | undefined) => (fraction === null || fraction === undefined ? '—' : `${(fraction * 100).toFixed(1)} %`);

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
