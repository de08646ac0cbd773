/**
 * One `offer/save` batch, result per entry. eMAG answers `isError: true` when an entry is refused,
 * and also for documentation errors on entries it saved anyway (v4.4.9 "Response": "the API will
 * return isError:true message, but the new offer will be saved and processed"); it says nothing
 * about the other entries of a batch with a refused one. So, on `isError` only: an entry a message
 * names failed with that message; every other entry (≤50, the batch) is re-read and is ok only when
 * eMAG shows what was pushed (the pushed warehouse's value, the pushed sale_price).
 */
import type { PushResult } from '../connector.js';
import { failed, ok } from '../shared/batching.js';
import type { EmagClient } from './client.js';
import { offersPage, saveAnswer, type EmagOffer } from './schemas.js';

export interface SaveEntry {
  id: number;
  /** Exactly what is sent: `{ id, sale_price }` or `{ id, stock: [{ warehouse_id, value }] }`. */
  body: { id: number; sale_price?: number; stock?: Array<{ warehouse_id: number; value: number }> };
}

const OPERATION = 'EMAG POST /offer/save';
/**
 * "Offer 12: …", "offer id 12", "offer_id=12", "product_id: 12", or a bare "id 12" that no other
 * word qualifies: "warehouse id 2" or "category id 5" name no offer. An entry wrongly left unnamed
 * is only re-read; one wrongly named would be reported failed, or hide the real refusal.
 */
const NAMED_ID = /(?:\boffer(?:[ _]id)?|\bproduct[ _]id|(?<![\p{L}\p{N}_][\s-]*)\bid)\s*[#:=]?\s*(\d+)\b/giu;
const ID_FIELDS = ['id', 'offer_id', 'product_id'];

export async function saveBatch(client: EmagClient, entries: SaveEntry[], signal?: AbortSignal): Promise<PushResult[]> {
  const answer = await client.send(
    'offer/save',
    entries.map((e) => e.body),
    saveAnswer,
    { signal },
  );
  if (!answer.isError) return entries.map(() => ok());
  const ids = new Set(entries.map((e) => e.id));
  const named = new Map<number, string[]>();
  const unnamed: string[] = [];
  answer.raw.forEach((raw, n) => {
    const text = answer.messages[n] ?? '';
    const found = idsNamed(raw, text).filter((id) => ids.has(id));
    if (found.length === 0) unnamed.push(text);
    for (const id of found) named.set(id, [...(named.get(id) ?? []), text]);
  });
  if (answer.raw.length === 0) unnamed.push(answer.summary);
  const said = unnamed.length > 0 ? unnamed.join('; ') : answer.summary;
  return Promise.all(
    entries.map(async (entry) => {
      const own = named.get(entry.id);
      if (own) return failed(`${OPERATION}: ${own.join('; ')}`);
      if (await wasApplied(client, entry, signal)) return ok();
      return failed(`${OPERATION}: isError, and a re-read of offer ${entry.id} does not show the pushed values (eMAG: ${said})`);
    }),
  );
}

function idsNamed(raw: unknown, text: string): number[] {
  const found = new Set<number>();
  if (typeof raw === 'object' && raw !== null) {
    for (const field of ID_FIELDS) {
      const value = Number((raw as Record<string, unknown>)[field]);
      if (Number.isInteger(value) && value > 0) found.add(value);
    }
  }
  for (const match of text.matchAll(NAMED_ID)) found.add(Number(match[1]));
  return [...found];
}

/** Whether eMAG now shows the entry's values (a failed re-read counts as not applied). */
async function wasApplied(client: EmagClient, entry: SaveEntry, signal?: AbortSignal): Promise<boolean> {
  let offer: EmagOffer | undefined;
  try {
    const page = await client.call('product_offer/read', { id: entry.id, itemsPerPage: 1 }, offersPage, { signal });
    offer = page.results.find((o) => o.id === entry.id);
  } catch (error) {
    if (signal?.aborted) throw error;
    return false;
  }
  if (!offer) return false;
  const { sale_price: price, stock } = entry.body;
  if (price !== undefined && Math.abs(Number(offer.sale_price) - price) > 0.00005) return false;
  // The pushed warehouse's own value: general_stock sums every warehouse and drops as orders are
  // processed (v4.4.9), so it cannot confirm a push; a read without per-warehouse stock cannot.
  for (const pushed of stock ?? []) {
    const now = (offer.stock ?? []).find((s) => s.warehouse_id === pushed.warehouse_id);
    if (now?.value !== pushed.value) return false;
  }
  return true;
}
