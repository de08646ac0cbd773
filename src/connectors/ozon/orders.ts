/**
 * Ozon orders are postings of two schemes, read one after the other: FBS (the seller ships;
 * /v3/posting/fbs/list filters by status change, so `since` finds changed postings of any age)
 * and FBO (Ozon ships from its warehouses; /v2/posting/fbo/list filters by creation period, and
 * one status, only). FBO status changes of postings created before `since` are therefore re-read
 * for the open orders the app names (`openOrderIds`), whichever is cheaper:
 * - up to OPEN_GETS_MAX of them not already listed in this run: one /v2/posting/fbo/get each
 *   after the FBO pass of postings created since `since`. The ids do not say their scheme; an
 *   FBS one answers not found (its changes come through the FBS pass) and yields nothing;
 * - more: the FBO pass covers the whole year and yields postings created since `since` plus
 *   those open ones.
 * Without `since`, the FBO pass covers the year anyway.
 */
import type { ListOrdersQuery, Page, RemoteOrder } from '../connector.js';
import { decodeCursor } from '../shared/cursor.js';
import { paginate } from '../shared/paging.js';
import { RemoteError } from '../shared/errors.js';
import type { OzonClient } from './client.js';
import { toOrder } from './mapper.js';
import { fboPostingAnswer, fboPostingsAnswer, postingsAnswer, type OzonPosting } from './schemas.js';

const ORDER_PAGE = 1000;
const MAX_OFFSET = 20_000; // larger offsets answer MAX_OFFSET_EXCEEDED
const YEAR_MS = 365 * 24 * 3600 * 1000;
/**
 * Open postings re-read one by one at most: 50 small requests are one second of the 50 req/s
 * budget, about what 1–2 pages of 1000 FBO postings cost, and a year is often many more pages.
 */
const OPEN_GETS_MAX = 50;

/** `fbo-open`: the one-by-one re-read of open postings, after the FBO pass. */
type Scheme = 'fbs' | 'fbo' | 'fbo-open';
const SCHEMES: readonly unknown[] = ['fbs', 'fbo', 'fbo-open'];
/** A scheme, a window start (moves forward past 20 000 offsets), offset, and numbers already seen at that start. */
type PostingPosition = { scheme: Scheme; since: number; offset: number; seen: string[] };

const isPostingPosition = (p: unknown): p is PostingPosition =>
  typeof p === 'object' &&
  p !== null &&
  SCHEMES.includes((p as { scheme?: unknown }).scheme) &&
  typeof (p as { since?: unknown }).since === 'number' &&
  typeof (p as { offset?: unknown }).offset === 'number';

/** When a posting entered the listing's period: FBO filters by creation time, FBS by processing start. */
const postedAt = (posting: OzonPosting, scheme: Scheme) => Date.parse((scheme === 'fbo' && posting.created_at) || posting.in_process_at);

export function listPostings(client: OzonClient, query: ListOrdersQuery): AsyncIterable<Page<RemoteOrder>> {
  const now = Date.now();
  // The period may span at most a year; FBS status changes are filtered separately.
  const yearStart = now - YEAR_MS + 60_000;
  const open = new Set(query.openOrderIds ?? []);
  const since = query.since?.getTime();
  const oneByOne = since !== undefined && open.size > 0 && open.size <= OPEN_GETS_MAX;
  const fboStart = since !== undefined && (open.size === 0 || oneByOne) ? Math.max(since, yearStart) : yearStart;
  /** FBO postings worth yielding: all without `since`; else those created since, or still open in the app. */
  const wantedFbo = (posting: OzonPosting) => since === undefined || open.has(posting.posting_number) || postedAt(posting, 'fbo') >= since;
  /** Postings this listing has returned, not asked for again one by one. */
  const listed = new Set<string>();

  const start = query.startCursor
    ? decodeCursor(query.startCursor, isPostingPosition)
    : { p: { scheme: 'fbs' as Scheme, since: yearStart, offset: 0, seen: [] }, i: 0 };
  return paginate<PostingPosition, RemoteOrder>({
    start: start.p,
    startIndex: start.i,
    signal: query.signal,
    fetchHead: async (position, pageIndex, signal) => {
      const filter: Record<string, unknown> = { since: new Date(position.since).toISOString(), to: new Date(now).toISOString() };
      const body = { dir: 'asc', limit: ORDER_PAGE, offset: position.offset, with: { financial_data: true } };
      if (position.scheme === 'fbo-open') {
        const numbers = [...open].filter((number) => !listed.has(number));
        const found = await Promise.all(numbers.map((number) => openFboPosting(client, number, signal)));
        return { next: null, complete: async () => found.filter((p) => p !== undefined).map((p) => toOrder(p, 'fbo')) };
      }
      let postings: OzonPosting[];
      let more: boolean;
      if (position.scheme === 'fbs') {
        if (query.since) filter.last_changed_status_date = { from: query.since.toISOString(), to: new Date(now).toISOString() };
        const answer = await client.call('/v3/posting/fbs/list', { ...body, filter }, postingsAnswer, { signal, page: pageIndex + 1 });
        postings = answer.result.postings;
        more = answer.result.has_next;
      } else {
        const answer = await client.call('/v2/posting/fbo/list', { ...body, filter }, fboPostingsAnswer, { signal, page: pageIndex + 1 });
        postings = answer.result;
        // No has_next on FBO: a short page is the last.
        more = postings.length === ORDER_PAGE;
      }
      const seen = new Set(position.seen);
      const fresh = postings.filter((p) => !seen.has(p.posting_number) && (position.scheme === 'fbs' || wantedFbo(p)));
      for (const posting of fresh) listed.add(posting.posting_number);
      const next = more
        ? nextPosition(position, postings)
        : position.scheme === 'fbs'
          ? { scheme: 'fbo' as Scheme, since: fboStart, offset: 0, seen: [] }
          : oneByOne
            ? { scheme: 'fbo-open' as Scheme, since: fboStart, offset: 0, seen: [] }
            : null;
      const scheme = position.scheme === 'fbs' ? 'fbs' : 'fbo';
      return { next, complete: async () => fresh.map((p) => toOrder(p, scheme)) };
    },
  });
}

/** An open FBO posting as it is now; undefined when Ozon has no FBO posting of that number (an FBS one). */
async function openFboPosting(client: OzonClient, number: string, signal: AbortSignal): Promise<OzonPosting | undefined> {
  try {
    const answer = await client.call('/v2/posting/fbo/get', { posting_number: number, with: { financial_data: true } }, fboPostingAnswer, { signal, page: number });
    return answer.result;
  } catch (error) {
    // rpcStatus code 5 = NOT_FOUND (an Api-Key problem with the same code is an AuthError, not this).
    if (error instanceof RemoteError && error.code === '5') return undefined;
    throw error;
  }
}

/**
 * Next offset, or — before offsets pass 20 000 — a new window starting at the last posting's
 * time, skipping the postings already returned at exactly that time.
 */
function nextPosition(position: PostingPosition, page: OzonPosting[]): PostingPosition {
  const offset = position.offset + page.length;
  const last = page[page.length - 1];
  if (offset + ORDER_PAGE <= MAX_OFFSET || !last) return { ...position, offset };
  const since = postedAt(last, position.scheme);
  const carried = since === position.since ? position.seen : [];
  const seen = [...carried, ...page.filter((p) => postedAt(p, position.scheme) === since).map((p) => p.posting_number)];
  return { scheme: position.scheme, since, offset: 0, seen };
}
