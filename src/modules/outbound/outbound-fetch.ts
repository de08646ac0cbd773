/**
 * fetch for requests to third parties (marketplace APIs) under the target policy: the literal
 * host is checked before the request, a host name on every connection (undici's `connect.lookup`
 * runs `guardedLookup` on the addresses actually dialled), and redirects are handed back instead of
 * followed, so a public target cannot bounce the request inward.
 */
import { Agent, fetch, type RequestInit, type Response } from 'undici';
import { checkLiteralHost, guardedLookup, type TargetPolicy } from './target-policy.js';

let guarded: Agent | undefined;
/** One keep-alive pool for every refusing client in the process (created on first use). */
const guardedAgent = () => (guarded ??= new Agent({ connect: { lookup: guardedLookup(false) } }));

/** Throws TargetRefused (before any connection) when the target is refused. */
export function outboundFetch(url: URL, init: Omit<RequestInit, 'redirect' | 'dispatcher'>, policy: TargetPolicy): Promise<Response> {
  checkLiteralHost(url, policy);
  return fetch(url, { ...init, redirect: 'manual', ...(policy.allowPrivate ? {} : { dispatcher: guardedAgent() }) });
}
