/**
 * One `offer/save` batch, result per entry. eMAG answers `isError: true` when any entry is
 * refused, and also for documentation errors on entries it saved anyway (v4.4.9 "Response": "the
 * API will return isError:true message, but the new offer will be saved and processed"). So:
 * entries a message names failed with that message; when every message names an entry, the rest
 * were applied; when some message names none, the rest are re-read to see whether they were.
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
/** "Offer 12: …", "id=12", "product_id 12": a keyword, then the number. */
const NAMED_ID = /\b(?:offer|id|product_id|offer_id)\b\s*[#:=]?\s*(\d+)/gi;
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
  return Promise.all(
    entries.map(async (entry) => {
      const own = named.get(entry.id);
      if (own) return failed(`${OPERATION}: ${own.join('; ')}`);
      if (unnamed.length === 0) return ok();
      return (await wasApplied(client, entry, signal)) ? ok() : failed(`${OPERATION}: ${unnamed.join('; ')}`);
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
  if (stock && !offer.stock) {
    // Reads without per-warehouse stock: only the total can tell (one warehouse pushed).
    return stock.length === 1 && offer.general_stock === stock[0]?.value;
  }
  for (const pushed of stock ?? []) {
    const now = (offer.stock ?? []).find((s) => s.warehouse_id === pushed.warehouse_id);
    if (now?.value !== pushed.value) return false;
  }
  return true;
}
