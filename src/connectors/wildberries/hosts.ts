/**
 * Where each Wildberries API lives. Every API category has its own public host (the `servers`
 * of each path in the specs: 02-products.yaml, 03-orders-fbs.yaml, 12-reports.yaml); an account
 * may point any of them elsewhere with `options.hosts`. A base URL that is not a wildberries.ru
 * host (a simulator, a proxy) serves every API not overridden.
 */
import type { ConnectorAccount } from '../connector.js';

export type WbHost = 'content' | 'prices' | 'marketplace' | 'statistics';

export const WB_PUBLIC_HOSTS: Record<WbHost, string> = {
  content: 'https://content-api.wildberries.ru',
  prices: 'https://discounts-prices-api.wildberries.ru',
  marketplace: 'https://marketplace-api.wildberries.ru',
  statistics: 'https://statistics-api.wildberries.ru',
};

/** The channel's default base URL: a real account needs nothing but its token. */
export const WB_DEFAULT_BASE_URL = WB_PUBLIC_HOSTS.marketplace;

const isWildberriesHost = (url: string): boolean => {
  try {
    return /(^|\.)wildberries\.ru$/i.test(new URL(url).hostname);
  } catch {
    return false;
  }
};

export function wbHosts(account: Pick<ConnectorAccount, 'baseUrl' | 'options'>): Record<WbHost, string> {
  const overrides = account.options?.hosts ?? {};
  const base = account.baseUrl?.trim() ?? '';
  const fallback = (host: WbHost) => (base === '' || isWildberriesHost(base) ? WB_PUBLIC_HOSTS[host] : base);
  return {
    content: overrides.content ?? fallback('content'),
    prices: overrides.prices ?? fallback('prices'),
    marketplace: overrides.marketplace ?? fallback('marketplace'),
    statistics: overrides.statistics ?? fallback('statistics'),
  };
}
