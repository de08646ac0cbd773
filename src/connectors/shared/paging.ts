/**
 * Page iteration with lookahead: the next vendor request starts as soon as the previous page's
 * position is known, and each page's completion (prices, stocks) starts as soon as its head is
 * in, while earlier pages are still being consumed. Up to `lookahead` pages are in flight, which
 * keeps every budget busy — what lets a listing reach its rate limit — and bounds memory.
 */
import type { Page } from '../connector.js';
import { encodeCursor } from './cursor.js';

export interface PageHead<P, T> {
  /** Vendor position of the following page; null when this is the last one. */
  next: P | null;
  /** Finishes this page (extra requests allowed); runs while later heads are in flight. */
  complete: () => Promise<T[]>;
  totalPages?: number;
  totalItems?: number;
}

export interface PaginateOptions<P, T> {
  start: P | null;
  startIndex: number;
  fetchHead: (position: P, pageIndex: number, signal: AbortSignal) => Promise<PageHead<P, T>>;
  signal?: AbortSignal;
  /** Pages in flight at most, the one being consumed included; default 3. */
  lookahead?: number;
}

interface Ready<P, T> {
  head: PageHead<P, T>;
  items: Promise<T[]>;
  index: number;
}

const ignore = () => undefined;

export async function* paginate<P, T>(options: PaginateOptions<P, T>): AsyncGenerator<Page<T>> {
  const depth = Math.max(1, options.lookahead ?? 3);
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const queue: Array<Promise<Ready<P, T>>> = [];
  let nextIndex = options.startIndex;
  /** The resolved position of the page after the last one launched; undefined while unknown. */
  let waiting: P | null | undefined;

  const launch = (position: P) => {
    const index = nextIndex;
    nextIndex += 1;
    const ready = options.fetchHead(position, index, signal).then((head) => {
      const items = head.complete();
      // Failures surface when the consumer reaches this page, not as unhandled rejections.
      items.catch(ignore);
      return { head, items, index };
    });
    ready.then((r) => {
      waiting = r.head.next;
      fill();
    }, ignore);
    queue.push(ready);
  };
  const fill = () => {
    while (waiting !== undefined && waiting !== null && queue.length < depth && !signal.aborted) {
      const position: P = waiting;
      waiting = undefined;
      launch(position);
    }
  };

  try {
    if (options.start !== null) launch(options.start);
    while (queue.length > 0) {
      const ready = await (queue[0] as Promise<Ready<P, T>>);
      const items = await ready.items;
      queue.shift();
      fill();
      const { head, index } = ready;
      yield {
        items,
        cursor: head.next === null ? null : encodeCursor({ p: head.next, i: index + 1 }),
        pageIndex: index,
        totalPages: head.totalPages,
        totalItems: head.totalItems,
      };
    }
  } finally {
    stop.abort();
  }
}

/** A listing with nothing to fetch (e.g. a SELECTIVE sync given no SKUs). */
export async function* emptyPages<T>(): AsyncGenerator<Page<T>> {}

/** The account's configured page size, kept within 1 and the vendor's maximum. */
export function pageSizeFor(requested: number | undefined, max: number): number {
  return Math.min(max, Math.max(1, requested ?? max));
}
