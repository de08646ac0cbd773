/**
 * Why cards were not created or edited (02-products.yaml, /content/v2/cards/error/list): errors
 * per vendor code, in batches paged by a cursor (10 requests a minute, its own budget), read newest
 * first (`order.ascending: false`) so the bounded read keeps recent failures. Listings carry a
 * card's newest batch as its rejection reasons.
 */
import type { WbClient } from './client.js';
import { cardErrorsAnswer } from './schemas.js';

const BATCHES_PER_PAGE = 100;
/** A seller with more failed batches than this sees the newest ones only (read newest first). */
const MAX_PAGES = 10;

export async function readCardErrors(client: WbClient, signal?: AbortSignal): Promise<Map<string, string[]>> {
  const errors = new Map<string, string[]>();
  let cursor: { updatedAt?: string; batchUUID?: string } = {};
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const answer = await client.call(
      {
        host: 'content',
        method: 'POST',
        path: '/content/v2/cards/error/list',
        query: { locale: 'ru' },
        body: { cursor: { limit: BATCHES_PER_PAGE, ...cursor }, order: { ascending: false } },
        budget: 'contentErrors',
        signal,
        page,
      },
      cardErrorsAnswer,
    );
    for (const item of answer.data?.items ?? []) {
      // A batch holds all errors of one create/edit request: a card's newest batch says why its
      // last edit failed, and older ones describe edits since replaced.
      for (const [vendorCode, messages] of Object.entries(item.errors ?? {})) if (!errors.has(vendorCode)) errors.set(vendorCode, messages);
    }
    const next = answer.data?.cursor;
    if (!next?.next || !next.updatedAt || !next.batchUUID) break;
    cursor = { updatedAt: next.updatedAt, batchUUID: next.batchUUID };
  }
  return errors;
}
