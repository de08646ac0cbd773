/**
 * testConnection for Ozon: an Api-Key carries roles, each opening some method families, so one
 * successful call proves little. One cheap read per family the connector uses; the writes
 * (/v2/products/stocks, /v1/product/import/prices) need the same roles as the reads of their
 * family and are not tried, since a write has effects.
 */
import type { ConnectionCheck, ConnectionResult, PushOptions } from '../connector.js';
import { probeConnection } from '../shared/transport.js';
import type { OzonClient } from './client.js';
import { fboPostingsAnswer, postingsAnswer, pricesAnswer, productInfoAnswer, productListAnswer, warehouseListAnswer, warehouseStocksAnswer } from './schemas.js';

export async function checkConnection(client: OzonClient, options: PushOptions): Promise<ConnectionResult> {
  const signal = options.signal;
  const call = (path: string, body: unknown, schema: Parameters<OzonClient['call']>[2]) => () =>
    client.call(path, body, schema, { signal, retries: 1 });
  const day = { since: new Date(Date.now() - 86_400_000).toISOString(), to: new Date().toISOString() };
  const probes: Array<[string, () => Promise<unknown>]> = [
    ['products (/v3/product/list)', call('/v3/product/list', { filter: { visibility: 'ALL' }, last_id: '', limit: 1 }, productListAnswer)],
    // An unknown id answers an empty list: enough to prove the method is open to the key.
    ['product info (/v3/product/info/list)', call('/v3/product/info/list', { product_id: ['1'] }, productInfoAnswer)],
    ['stocks (/v1/product/info/stocks-by-warehouse/fbs)', call('/v1/product/info/stocks-by-warehouse/fbs', { sku: ['1'] }, warehouseStocksAnswer)],
    ['prices (/v5/product/info/prices)', call('/v5/product/info/prices', { cursor: '', filter: { visibility: 'ALL' }, limit: 1 }, pricesAnswer)],
    ['warehouses (/v1/warehouse/list)', call('/v1/warehouse/list', {}, warehouseListAnswer)],
    ['FBS postings (/v3/posting/fbs/list)', call('/v3/posting/fbs/list', { dir: 'asc', filter: day, limit: 1, offset: 0 }, postingsAnswer)],
    ['FBO postings (/v2/posting/fbo/list)', call('/v2/posting/fbo/list', { dir: 'asc', filter: day, limit: 1, offset: 0 }, fboPostingsAnswer)],
  ];
  const checks: ConnectionCheck[] = [];
  for (const [name, probe] of probes) {
    const result = await probeConnection(probe, signal);
    checks.push(result.ok ? { name, ok: true } : { name, ok: false, kind: result.kind, message: result.message });
  }
  const failure = checks.find((check) => !check.ok);
  if (!failure) return { ok: true, checks };
  return { ok: false, kind: failure.kind ?? 'REMOTE', message: `${failure.name}: ${failure.message ?? 'failed'}`, checks };
}
