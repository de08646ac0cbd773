/**
 * Where Stockline may send a request: the one policy for every outbound URL, webhook targets and
 * account base URLs alike. A target must be an http(s) URL whose host is, and resolves to, global
 * unicast addresses only: private (10/8, 172.16/12, 192.168/16), loopback, link-local
 * (169.254/16, fe80::/10), unique-local (fc00::/7), carrier-grade NAT (100.64/10), unspecified,
 * multicast, broadcast, reserved and the IPv6 forms that embed IPv4 (mapped, NAT64, 6to4, Teredo)
 * are refused unless the caller's configuration allows private targets. `checkTarget` runs when
 * a URL is saved; `guardedLookup` and `checkLiteralHost` run when connecting, on the address
 * actually connected to, so a DNS change after the save cannot turn a target inward.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** One kind of outbound target's configuration (WEBHOOK_ / ACCOUNT_ALLOW_PRIVATE_TARGETS). */
export interface TargetPolicy {
  allowPrivate: boolean;
  /** Exact origins with a literal IP host allowed whatever their range: the sandbox's own in-process simulators. */
  allowedOrigins?: readonly string[];
}

const exempt = (url: URL, policy: TargetPolicy) => policy.allowPrivate || (policy.allowedOrigins?.includes(url.origin) ?? false);

/** Why an address is refused, or null when it is a global unicast address. */
export function refusedRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  return range === 'unicast' ? null : range;
}

export class TargetRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefused';
  }
}

/** The URL's host without IPv6 brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * The save-time check: resolves the URL's host (every address) and refuses it when any address
 * is not global unicast. Throws TargetRefused with a message for the user.
 */
export async function checkTarget(rawUrl: string, policy: TargetPolicy): Promise<void> {
  const url = new URL(rawUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetRefused('the URL must be http(s)');
  if (exempt(url, policy)) return;
  const host = hostOf(url);
  const addresses = isIP(host) ? [host] : await resolveAll(host);
  for (const address of addresses) {
    const range = refusedRange(address);
    if (range) throw new TargetRefused(`${host}${address === host ? '' : ` resolves to ${address}, which`} is in a ${describe(range)} range; only public addresses are allowed`);
  }
}

async function resolveAll(host: string): Promise<string[]> {
  const found = await new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  ).catch((error: NodeJS.ErrnoException) => {
    throw new TargetRefused(`${host} does not resolve (${error.code ?? error.message})`);
  });
  if (found.length === 0) throw new TargetRefused(`${host} does not resolve`);
  return found.map((a) => a.address);
}

const names: Record<string, string> = {
  private: 'private',
  loopback: 'loopback',
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local',
  carrierGradeNat: 'carrier-grade NAT',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
};
const describe = (range: string) => names[range] ?? `non-public (${range})`;

/**
 * A `lookup` for node:net (node:http agents, undici's `connect` option) that resolves like the
 * system resolver and fails the connection when an address it would connect to is refused: the
 * connect-time check, on the very addresses used.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as LookupAddress[];
      if (!allowPrivate) {
        for (const { address } of list) {
          const range = refusedRange(address);
          if (range) return callback(new TargetRefused(`${hostname} resolves to ${address}, which is in a ${describe(range)} range`), '', 0);
        }
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/** The connect-time check for a literal IP host (sockets connect to those without a lookup). */
export function checkLiteralHost(url: URL, policy: TargetPolicy): void {
  const host = hostOf(url);
  if (exempt(url, policy) || !isIP(host)) return;
  const range = refusedRange(host);
  if (range) throw new TargetRefused(`${host} is in a ${describe(range)} range`);
}
