/**
 * Price pushes. WB takes prices per card (nmID) as an upload task (02-products.yaml,
 * /api/v2/upload/task): a 200 only accepts it and a 208 names an identical pending one, so both
 * are confirmed through /api/v2/history/tasks (polled a bounded number of times) and, when some
 * items failed, /api/v2/history/goods/task, whose per-item errors (e.g. price quarantine of a cut
 * to a third or less) become those items' results. A 400 "prices already set" is a no-op success.
 */
import type { PriceUpdate, PushOptions, PushResult } from '../connector.js';
import { chunk, failed, failedFromError, ok } from '../shared/batching.js';
import { isDecimalString } from '../shared/decimal.js';
import { parseBody } from '../shared/parse.js';
import { sleep } from '../shared/sleep.js';
import type { WbClient } from './client.js';
import { parseWbExternalId } from './mapper.js';
import { goodsAnswer, goodsHistoryAnswer, taskHistoryAnswer, uploadAnswer } from './schemas.js';

const WRITE_BATCH = 1000;
/** Waits before each status read: about 20 s in all, 6 reads of the prices budget (10 per 6 s). */
const CONFIRM_DELAYS_MS = [500, 1_000, 2_000, 3_000, 5_000, 8_000];
const ALREADY_SET = /already set/i;
/** "All item Nos. are specified incorrectly, or the specified prices and discounts are already set": which one needs a look. */
const AMBIGUOUS = /specified incorrectly/i;

type Batch = Array<[number, { price: number; at: number[] }]>;

export async function pushWbPrices(client: WbClient, updates: PriceUpdate[], options: PushOptions = {}): Promise<PushResult[]> {
  const results: PushResult[] = new Array(updates.length);
  // Prices are per card; the last update of a card wins and all its items share the outcome.
  const byCard = new Map<number, { price: number; at: number[] }>();
  updates.forEach((update, at) => {
    const ids = parseWbExternalId(update.externalId);
    if (!ids) results[at] = failed('externalId (nmID:chrtID from a listing) is required');
    else if (!isDecimalString(update.price) || !Number.isInteger(Number(update.price)) || Number(update.price) <= 0) {
      results[at] = failed('Wildberries prices are whole positive amounts');
    } else {
      const entry = byCard.get(ids.nmID) ?? { price: 0, at: [] };
      entry.price = Number(update.price);
      entry.at.push(at);
      byCard.set(ids.nmID, entry);
    }
  });
  for (const batch of chunk([...byCard.entries()], WRITE_BATCH)) {
    let outcomes: Map<number, PushResult>;
    try {
      outcomes = await uploadBatch(client, batch, options.signal);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const outcome = failedFromError(error);
      outcomes = new Map(batch.map(([nmID]) => [nmID, outcome]));
    }
    for (const [nmID, entry] of batch) for (const at of entry.at) results[at] = outcomes.get(nmID) ?? ok();
  }
  return results;
}

async function uploadBatch(client: WbClient, batch: Batch, signal?: AbortSignal): Promise<Map<number, PushResult>> {
  const all = (result: PushResult) => new Map(batch.map(([nmID]) => [nmID, result]));
  const response = await client.raw({
    host: 'prices',
    method: 'POST',
    path: '/api/v2/upload/task',
    body: { data: batch.map(([nmID, { price }]) => ({ nmID, price })) },
    budget: 'prices',
    signal,
    accept: (status) => status === 200 || status === 208 || status === 400,
  });
  const answer = parseBody(uploadAnswer, response, { channel: 'WILDBERRIES', operation: 'POST /api/v2/upload/task' });
  if (response.status === 400) {
    const text = answer.errorText ?? 'upload refused';
    if (!ALREADY_SET.test(text)) return all(failed(text));
    if (!AMBIGUOUS.test(text)) return all(ok());
    return checkAlreadySet(client, batch, text, signal);
  }
  const id = answer.data?.id;
  if (answer.error || id == null) return all(failed(answer.errorText || 'upload refused', 'REMOTE'));
  return confirmTask(client, id, batch, signal);
}

/** Reads the task's outcome until WB has processed it (or the polling bound is reached). */
async function confirmTask(client: WbClient, id: number, batch: Batch, signal?: AbortSignal): Promise<Map<number, PushResult>> {
  const all = (result: PushResult) => new Map(batch.map(([nmID]) => [nmID, result]));
  for (const delay of CONFIRM_DELAYS_MS) {
    await sleep(delay, signal);
    // The spec does not say how an upload still in processing is answered: `data: null`, or a
    // 400/404 for an id it does not know yet, are all read as "not processed yet".
    const response = await client.raw({
      host: 'prices',
      method: 'GET',
      path: '/api/v2/history/tasks',
      query: { uploadID: id },
      budget: 'prices',
      signal,
      accept: (status) => status === 200 || status === 400 || status === 404,
    });
    if (response.status !== 200) continue;
    const task = parseBody(taskHistoryAnswer, response, { channel: 'WILDBERRIES', operation: 'GET /api/v2/history/tasks' });
    if (!task.data) continue;
    if (task.data.status === 3) return all(ok());
    if (task.data.status === 4) return all(failed(`price upload ${id} was cancelled by Wildberries`, 'REMOTE'));
    // TaskStatus lists only 3–6 for a processed upload; any other (e.g. the buffer's 1, "in
    // processing") is read as not processed yet: its item detail would not say what was applied.
    if (task.data.status !== 5 && task.data.status !== 6) continue;
    return itemOutcomes(client, id, batch, task.data.status, signal);
  }
  // Still unprocessed: a retry gets 208 for this task and confirms it then.
  return all(failed(`price upload ${id} accepted but not processed within ${CONFIRM_DELAYS_MS.reduce((a, b) => a + b, 0) / 1000} s`, 'REMOTE'));
}

async function itemOutcomes(client: WbClient, id: number, batch: Batch, status: number, signal?: AbortSignal): Promise<Map<number, PushResult>> {
  const detail = await client.call(
    { host: 'prices', method: 'GET', path: '/api/v2/history/goods/task', query: { uploadID: id, limit: WRITE_BATCH, offset: 0 }, budget: 'prices', signal },
    goodsHistoryAnswer,
  );
  const byNm = new Map((detail.data?.historyGoods ?? []).map((item) => [item.nmID, item]));
  // Status 6: every item failed, so an item missing from the detail failed too.
  const missing = status === 6 ? failed(`price upload ${id}: not applied`, 'REMOTE') : ok();
  return new Map(
    batch.map(([nmID]) => {
      const item = byNm.get(nmID);
      if (!item) return [nmID, missing];
      return [nmID, item.status === 3 ? failed(item.errorText || `price upload ${id}: not applied`, 'REMOTE') : ok()];
    }),
  );
}

/** "Unknown item or already set": the current prices tell which, per card. */
async function checkAlreadySet(client: WbClient, batch: Batch, text: string, signal?: AbortSignal): Promise<Map<number, PushResult>> {
  const goods = await client.call(
    { host: 'prices', method: 'POST', path: '/api/v2/list/goods/filter', body: { nmList: batch.map(([nmID]) => nmID) }, budget: 'prices', signal },
    goodsAnswer,
  );
  const current = new Map((goods.data?.listGoods ?? []).map((g) => [g.nmID, g.sizes.map((s) => Number(s.price))]));
  return new Map(
    batch.map(([nmID, { price }]) => {
      const prices = current.get(nmID);
      return [nmID, prices && prices.length > 0 && prices.every((p) => p === price) ? ok() : failed(text)];
    }),
  );
}
