/**
 * Order listing, in four phases (03-orders-fbs.yaml, 12-reports.yaml):
 * 1. FBS assembly tasks created since `since`: /api/v3/orders in windows of ≤30 days, with their
 *    statuses from /api/v3/orders/status (the list carries none).
 * 2. New assembly tasks created before the window that the app does not hold: /api/v3/orders/new
 *    lists every new one. Read on a full listing (no `since`) or when the app says what it holds
 *    (`openOrderIds`); an incremental listing without it yields only what the window holds.
 * 3. Open orders the app holds from before the window (`openOrderIds`): their current statuses;
 *    /api/v3/orders is scanned back window by window (at most OPEN_LOOKBACK_WINDOWS) to find them.
 * 4. FBW orders (held and shipped by WB) changed since `since`, from the statistics report; their
 *    lines' listings are found by barcode (a bounded content search for barcodes not yet known).
 */
import type { ListOrdersQuery, Page, RemoteOrder } from '../connector.js';
import { decodeCursor } from '../shared/cursor.js';
import { ConnectorError } from '../shared/errors.js';
import { paginate } from '../shared/paging.js';
import type { WbClient } from './client.js';
import { toFbwOrder, toOrder, type WbSizeRef } from './mapper.js';
import { orderStatusAnswer, ordersAnswer, type WbOrder } from './schemas.js';
import { isWbWarehouse, ORDER_ROWS, statisticsOrdersPage, toMoscowTime } from './statistics.js';

const ORDERS_PAGE = 1000;
const WINDOW_S = 30 * 24 * 3600;
/** How far back open orders are looked for: WB keeps assembly tasks' data about that long. */
const OPEN_LOOKBACK_WINDOWS = 6;

type Position =
  | { k: 'fbs'; from: number | null; next: number }
  | { k: 'new' }
  | { k: 'open'; back: number; next: number }
  | { k: 'fbw'; dateFrom: string };

const isPosition = (p: unknown): p is Position => typeof p === 'object' && p !== null && typeof (p as { k?: unknown }).k === 'string';

/** Listings of barcodes: those known, then a bounded content search for the rest. */
export type SizesOfBarcodes = (barcodes: string[], signal: AbortSignal) => Promise<Map<string, WbSizeRef>>;

export function listWbOrders(client: WbClient, query: ListOrdersQuery, sizesOfBarcodes: SizesOfBarcodes): AsyncIterable<Page<RemoteOrder>> {
  const now = Math.floor(Date.now() / 1000);
  const since = query.since ? Math.floor(query.since.getTime() / 1000) : null;
  // Without `since`, /api/v3/orders covers its default: the last 30 days.
  const windowStart = since ?? now - WINDOW_S;
  const open = new Set((query.openOrderIds ?? []).filter((id) => /^\d+$/.test(id)).map(Number));
  const fbwFrom = toMoscowTime(new Date(windowStart * 1000));
  const start = query.startCursor ? decodeCursor(query.startCursor, isPosition) : { p: { k: 'fbs', from: since, next: 0 } as Position, i: 0 };
  const readNew = since === null || query.openOrderIds !== undefined;

  const withStatuses = async (orders: WbOrder[], signal: AbortSignal, page: number): Promise<RemoteOrder[]> => {
    if (orders.length === 0) return [];
    const statuses = await client.call(
      { host: 'marketplace', method: 'POST', path: '/api/v3/orders/status', body: { orders: orders.map((o) => o.id) }, budget: 'orders', signal, page },
      orderStatusAnswer,
    );
    const byId = new Map(statuses.orders.map((s) => [s.id, s]));
    return orders.map((order) => toOrder(order, byId.get(order.id)));
  };

  const ordersPage = (from: number | null, to: number | null, next: number, signal: AbortSignal, page: number) =>
    client.call(
      {
        host: 'marketplace',
        method: 'GET',
        path: '/api/v3/orders',
        query: { limit: ORDERS_PAGE, next, dateFrom: from ?? undefined, dateTo: to ?? undefined },
        budget: 'orders',
        signal,
        page,
      },
      ordersAnswer,
    );

  const afterNew = (): Position => (open.size > 0 ? { k: 'open', back: 1, next: 0 } : { k: 'fbw', dateFrom: fbwFrom });

  return paginate<Position, RemoteOrder>({
    start: start.p,
    startIndex: start.i,
    signal: query.signal,
    fetchHead: async (position, pageIndex, signal) => {
      const page = pageIndex + 1;
      if (position.k === 'fbs') {
        const windowEnd = position.from === null ? null : Math.min(position.from + WINDOW_S, now);
        const answer = await ordersPage(position.from, windowEnd, position.next, signal, page);
        let next: Position = readNew ? { k: 'new' } : afterNew();
        if (answer.orders.length === ORDERS_PAGE) next = { k: 'fbs', from: position.from, next: answer.next };
        else if (windowEnd !== null && windowEnd < now) next = { k: 'fbs', from: windowEnd, next: 0 };
        return { next, complete: () => withStatuses(answer.orders, signal, page) };
      }
      if (position.k === 'new') {
        const answer = await client.call({ host: 'marketplace', method: 'GET', path: '/api/v3/orders/new', budget: 'orders', signal, page }, ordersAnswer.pick({ orders: true }));
        // Those created inside the window were listed in phase 1.
        const older = answer.orders.filter((o) => Date.parse(o.createdAt) < windowStart * 1000);
        // Held ones still new have not changed: no need to look for them in phase 3.
        const missing = older.filter((o) => !open.delete(o.id));
        return { next: afterNew(), complete: async () => missing.map((o) => toOrder(o, { id: o.id, supplierStatus: 'new', wbStatus: 'waiting' })) };
      }
      if (position.k === 'open') {
        const to = windowStart - (position.back - 1) * WINDOW_S;
        const answer = await ordersPage(to - WINDOW_S, to, position.next, signal, page);
        const wanted = answer.orders.filter((o) => open.has(o.id));
        for (const order of wanted) open.delete(order.id);
        let next: Position = { k: 'fbw', dateFrom: fbwFrom };
        if (answer.orders.length === ORDERS_PAGE) next = { k: 'open', back: position.back, next: answer.next };
        else if (open.size > 0 && position.back < OPEN_LOOKBACK_WINDOWS) next = { k: 'open', back: position.back + 1, next: 0 };
        return { next, complete: () => withStatuses(wanted, signal, page) };
      }
      let rows;
      try {
        rows = await statisticsOrdersPage(client, position.dateFrom, signal, page);
      } catch (error) {
        // A token without the Statistics category (a seller not using FBW) lists FBS orders only.
        if (!(error instanceof ConnectorError && error.kind === 'AUTH')) throw error;
        client.logger.warn({ operation: error.operation }, 'no Statistics category on this token: FBW orders are not read');
        return { next: null, complete: async () => [] };
      }
      const last = rows.at(-1);
      const next: Position | null = rows.length >= ORDER_ROWS && last && last.lastChangeDate !== position.dateFrom ? { k: 'fbw', dateFrom: last.lastChangeDate } : null;
      // FBS orders appear in this report too; phase 1 lists them with their real statuses.
      const fbw = rows.filter(isWbWarehouse);
      return {
        next,
        complete: async () => {
          // A run that read no cards (orders only, or resumed here) still names the lines' listings.
          const sizes = await sizesOfBarcodes([...new Set(fbw.flatMap((row) => (row.barcode ? [row.barcode] : [])))], signal);
          return fbw.map((row) => toFbwOrder(row, row.barcode ? sizes.get(row.barcode) : undefined));
        },
      };
    },
  });
}
