/**
 * testConnection for eMAG: tries every resource the account uses, in the order a sync does —
 * offers read, offers write (an empty `offer/save`, which changes nothing), orders of its
 * fulfillment type, and acknowledge when on. eMAG does not document its answer to an empty save
 * or to an unknown order's acknowledge, so for those two an `isError` answer passes: only refused
 * access or a transport failure fails them.
 */
import type { ConnectionCheck, ConnectionResult } from '../connector.js';
import { probeConnection } from '../shared/transport.js';
import type { EmagClient } from './client.js';
import { offersPage, ordersPage, saveAnswer } from './schemas.js';

export async function checkConnection(
  client: EmagClient,
  account: { fbe: boolean; acknowledges: boolean },
  signal?: AbortSignal,
): Promise<ConnectionResult> {
  const call = { signal, retries: 1 };
  const probes: Array<{ name: string; run: () => Promise<unknown> }> = [
    { name: 'offers read (product_offer/read)', run: () => client.call('product_offer/read', { currentPage: 1, itemsPerPage: 1 }, offersPage, call) },
    { name: 'offers write (offer/save)', run: () => client.send('offer/save', [], saveAnswer, call) },
    {
      name: account.fbe ? 'FBE orders (order/read type 2)' : 'seller-fulfilled orders (order/read type 3)',
      run: () => client.call('order/read', { type: account.fbe ? 2 : 3, currentPage: 1, itemsPerPage: 1 }, ordersPage, call),
    },
  ];
  if (account.acknowledges) {
    // Order 0 does not exist: this proves the route and the right to call it, and changes nothing.
    probes.push({ name: 'order acknowledge (order/acknowledge)', run: () => client.send('order/acknowledge/0', {}, saveAnswer, call) });
  }
  const checks: ConnectionCheck[] = [];
  for (const probe of probes) {
    const result = await probeConnection(probe.run, signal);
    checks.push(result.ok ? { name: probe.name, ok: true } : { name: probe.name, ok: false, kind: result.kind, message: result.message });
  }
  const failure = checks.find((c) => !c.ok);
  if (!failure) return { ok: true, checks };
  return { ok: false, kind: failure.kind ?? 'REMOTE', message: `${failure.name}: ${failure.message ?? 'failed'}`, checks };
}
