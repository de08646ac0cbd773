/**
 * Seeded orders over a catalog, in a channel-neutral form each simulator renders in its own
 * format. Orders are few compared to offers (default: one per ten offers, at most 2 000), so they
 * are materialised up front; drift adds new ones and moves existing ones along their lifecycle.
 */
import type { Catalog } from './catalog.js';
import { hash32, intBetween, pick, Rng, unit } from './random.js';

export type NeutralOrderStatus = 'new' | 'processing' | 'shipped' | 'delivered' | 'cancelled' | 'returned';

export interface OrderLine {
  /** Catalog index of the offer. */
  index: number;
  quantity: number;
  /** Unit price paid, in minor units, VAT included. */
  priceMinor: number;
}

export interface SimOrder {
  /** 1-based sequence; each channel derives its own id format from it. */
  id: number;
  status: NeutralOrderStatus;
  lines: OrderLine[];
  customer: { name: string; email: string; phone: string };
  createdAt: number;
  updatedAt: number;
}

export interface OrderBookOptions {
  seed: number;
  count: number;
  catalog: Catalog;
  /** Orders are placed within `spanMs` before `now`. */
  now: number;
  spanMs: number;
  /** One unit of one offer per order (Wildberries assembly tasks). */
  singleUnit?: boolean;
}

export interface OrderDriftOptions {
  /** New orders to place; default 2. */
  created?: number;
  /** Existing orders to move one step along; default 2. */
  updated?: number;
}

const FIRST = ['Ana', 'Ivan', 'Maria', 'Dmitri', 'Elena', 'Mihai', 'Olga', 'Radu', 'Sofia', 'Pavel'];
const LAST = ['Popescu', 'Ivanova', 'Ionescu', 'Smirnov', 'Dumitru', 'Kuznetsova', 'Stan', 'Petrov'];
const NEXT_STATUS: Record<NeutralOrderStatus, NeutralOrderStatus> = {
  new: 'processing',
  processing: 'shipped',
  shipped: 'delivered',
  delivered: 'returned',
  cancelled: 'cancelled',
  returned: 'returned',
};

export class OrderBook {
  private readonly orders: SimOrder[] = [];
  private readonly byId = new Map<number, SimOrder>();
  private readonly options: OrderBookOptions;
  private driftRound = 0;

  constructor(options: OrderBookOptions) {
    this.options = options;
    const { seed, count, now, spanMs } = options;
    const placed: number[] = [];
    for (let n = 0; n < count; n += 1) placed.push(now - Math.floor(unit(seed, n, 101) * spanMs) - 3_600_000);
    placed.sort((a, b) => a - b); // ids grow with time, as real order numbers do
    placed.forEach((createdAt, n) => {
      const roll = unit(seed, n, 102);
      const status: NeutralOrderStatus =
        roll < 0.3 ? 'new' : roll < 0.5 ? 'processing' : roll < 0.7 ? 'shipped' : roll < 0.9 ? 'delivered' : 'cancelled';
      const updatedAt = status === 'new' ? createdAt : Math.min(now - 60_000, createdAt + Math.floor(unit(seed, n, 103) * 86_400_000));
      this.add(this.make(n + 1, createdAt, Math.max(createdAt, updatedAt), status, new Rng(hash32(seed, n, 104))));
    });
  }

  all(): readonly SimOrder[] {
    return this.orders;
  }

  get(id: number): SimOrder | undefined {
    return this.byId.get(id);
  }

  setStatus(id: number, status: NeutralOrderStatus, now = Date.now()): SimOrder | undefined {
    const order = this.byId.get(id);
    if (!order) return undefined;
    order.status = status;
    order.updatedAt = Math.max(now, order.updatedAt + 1);
    return order;
  }

  /** Places one order with the given lines (catalog index and quantity), status new; returns it. */
  place(lines: { index: number; quantity: number }[], now = Date.now()): SimOrder {
    const order = this.make(this.orders.length + 1, now, now, 'new', new Rng(hash32(this.options.seed, this.orders.length + 1, 109)));
    order.lines = lines.map(({ index, quantity }) => ({ index, quantity, priceMinor: this.options.catalog.get(index).priceMinor }));
    this.add(order);
    return order;
  }

  /** Places new orders and advances others. Returns the ids touched. */
  drift(options: OrderDriftOptions = {}, now = Date.now()): { created: number[]; updated: number[] } {
    this.driftRound += 1;
    const rng = new Rng(hash32(this.options.seed, this.driftRound, 105));
    const created: number[] = [];
    for (let n = 0; n < (options.created ?? 2); n += 1) {
      const id = this.orders.length + 1;
      this.add(this.make(id, now, now, 'new', rng));
      created.push(id);
    }
    const updated: number[] = [];
    const open = this.orders.filter((o) => o.status !== 'cancelled' && o.status !== 'returned' && !created.includes(o.id));
    for (let n = 0; n < (options.updated ?? 2) && open.length > 0; n += 1) {
      const [order] = open.splice(rng.int(0, open.length - 1), 1);
      if (!order) break;
      this.setStatus(order.id, NEXT_STATUS[order.status], now);
      updated.push(order.id);
    }
    return { created, updated };
  }

  private add(order: SimOrder): void {
    this.orders.push(order);
    this.byId.set(order.id, order);
  }

  private make(id: number, createdAt: number, updatedAt: number, status: NeutralOrderStatus, rng: Rng): SimOrder {
    const { catalog, seed, singleUnit } = this.options;
    const lineCount = singleUnit ? 1 : rng.int(1, 3);
    const lines: OrderLine[] = [];
    for (let n = 0; n < lineCount; n += 1) {
      const index = rng.int(0, catalog.size - 1);
      if (lines.some((line) => line.index === index)) continue;
      lines.push({ index, quantity: singleUnit ? 1 : rng.int(1, 3), priceMinor: catalog.get(index).priceMinor });
    }
    const first = pick(FIRST, seed, id, 106);
    const last = pick(LAST, seed, id, 107);
    return {
      id,
      status,
      lines,
      customer: {
        name: `${first} ${last}`,
        email: `${first}.${last}.${id}@example.test`.toLowerCase(),
        phone: `+40 7${String(intBetween(seed, id, 108, 0, 99_999_999)).padStart(8, '0')}`,
      },
      createdAt,
      updatedAt,
    };
  }
}
