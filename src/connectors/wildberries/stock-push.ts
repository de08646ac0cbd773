/**
 * Stock pushes to the seller's warehouses (02-products.yaml, PUT /api/v3/stocks/{warehouseId}).
 * A 409 refuses the whole request and costs ten requests; its problems name the refused items in
 * `data[]` by barcode (`sku`, as the spec shows) or `chrtId`. Those items fail with the problem's
 * code, and the rest of the batch is sent again once. StoreIsProcessing (the warehouse is busy
 * with an earlier update) is retried after a short delay.
 */
import type { PushResult } from '../connector.js';
import { failed, failedFromError, ok } from '../shared/batching.js';
import { parseBody } from '../shared/parse.js';
import { sleep } from '../shared/sleep.js';
import type { WbClient } from './client.js';
import { stockConflict } from './schemas.js';

export interface StockEntry {
  at: number;
  chrtId: number;
  amount: number;
}

/** Finds the size of barcodes a 409 names (from listed cards, else by asking the content API). */
export type BarcodeResolver = (barcodes: string[], signal?: AbortSignal) => Promise<Map<string, number>>;

/** WB asks to retry StoreIsProcessing "in a few seconds". */
const STORE_BUSY_DELAYS_MS = [2_000, 4_000, 8_000];

export async function putWarehouseStocks(
  client: WbClient,
  warehouse: string,
  batch: StockEntry[],
  results: PushResult[],
  resolve: BarcodeResolver,
  signal?: AbortSignal,
): Promise<void> {
  let pending = batch;
  let resent = false;
  let busy = 0;
  while (pending.length > 0) {
    let response;
    try {
      response = await client.raw({
        host: 'marketplace',
        method: 'PUT',
        path: `/api/v3/stocks/${warehouse}`,
        body: { stocks: pending.map(({ chrtId, amount }) => ({ chrtId, amount })) },
        budget: 'stocks',
        signal,
        accept: (status) => status === 204 || status === 200 || status === 409,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      for (const entry of pending) results[entry.at] = failedFromError(error);
      return;
    }
    if (response.status !== 409) {
      for (const entry of pending) results[entry.at] = ok();
      return;
    }
    client.chargeConflict('stocks');
    const problems = parseBody(stockConflict, response, { channel: 'WILDBERRIES', operation: `PUT /api/v3/stocks/${warehouse}` });
    if (problems.every((p) => p.code === 'StoreIsProcessing')) {
      const delay = STORE_BUSY_DELAYS_MS[busy];
      busy += 1;
      if (delay === undefined) {
        for (const entry of pending) results[entry.at] = failed('StoreIsProcessing: the warehouse is still processing an earlier update', 'REMOTE');
        return;
      }
      await sleep(delay, signal);
      continue;
    }
    const named = await namedItems(problems, pending, resolve, signal);
    const rest = pending.filter((entry) => !named.has(entry.at));
    for (const [at, reason] of named) results[at] = failed(reason, 'REMOTE');
    // Nothing attributable, or a second refusal: the rest stays unapplied.
    if (named.size === 0 || resent) {
      const summary = problems.map((p) => p.code).join(', ');
      for (const entry of rest) results[entry.at] = failed(`not applied: the batch was rejected (${summary})`, 'REMOTE');
      return;
    }
    resent = true;
    pending = rest;
  }
}

/** Input positions of the items the problems name, with their reasons. */
async function namedItems(
  problems: ReturnType<typeof stockConflict.parse>,
  pending: StockEntry[],
  resolve: BarcodeResolver,
  signal?: AbortSignal,
): Promise<Map<number, string>> {
  const barcodes = problems.flatMap((p) => (p.data ?? []).flatMap((item) => (item.sku ? [item.sku] : [])));
  let sizes = new Map<string, number>();
  try {
    if (barcodes.length > 0) sizes = await resolve([...new Set(barcodes)], signal);
  } catch (error) {
    if (signal?.aborted) throw error; // unresolved barcodes leave their items "not applied"
  }
  const byChrt = new Map(pending.map((entry) => [entry.chrtId, entry.at]));
  const named = new Map<number, string>();
  for (const problem of problems) {
    const reason = `${problem.code}${problem.message ? `: ${problem.message}` : ''}`;
    for (const item of problem.data ?? []) {
      const chrtId = item.chrtId ?? (item.sku ? sizes.get(item.sku) : undefined);
      const at = chrtId === undefined ? undefined : byChrt.get(chrtId);
      if (at !== undefined) named.set(at, reason);
    }
  }
  return named;
}
