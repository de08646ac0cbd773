/**
 * The country platform an eMAG account is on, from its API host (v4.4.9 "Platform" table): the
 * zone of its dates (which carry no offset; option `timeZone` wins) and its default currency
 * (for answers that leave `currency` out). Unknown hosts (a simulator) are taken as emag.ro.
 */
import type { ConnectorAccount } from '../connector.js';

export interface Platform {
  zone: string;
  currency: string;
}

const RO: Platform = { zone: 'Europe/Bucharest', currency: 'RON' };
const BG: Platform = { zone: 'Europe/Sofia', currency: 'BGN' };
const HU: Platform = { zone: 'Europe/Budapest', currency: 'HUF' };

function platformOfHost(baseUrl: string): Platform {
  let host = '';
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    // An unparsable URL is refused elsewhere.
  }
  // marketplace-api.emag.bg; FashionDays: marketplace-bg-api.fashiondays.com.
  if (host.endsWith('.bg') || host.includes('-bg-')) return BG;
  if (host.endsWith('.hu') || host.includes('-hu-')) return HU;
  return RO;
}

export function platformOf(account: Pick<ConnectorAccount, 'baseUrl' | 'options'>): Platform {
  const platform = platformOfHost(account.baseUrl);
  return account.options?.timeZone ? { ...platform, zone: account.options.timeZone } : platform;
}
