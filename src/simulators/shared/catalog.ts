/**
 * A seeded catalog of any size (1 to 1 000 000 offers). Offer i is computed from (seed, i) on
 * demand; only offers changed by drift or pushes are stored (the overlay). SKUs are the same on
 * every channel (`STK-0000001`), so the sandbox's channels sell the same products.
 */
import { hash32, intBetween, pick, Rng, unit } from './random.js';

export type OfferStatus = 'active' | 'inactive' | 'archived';

export interface Offer {
  index: number;
  sku: string;
  name: string;
  brand: string;
  ean: string;
  /** Price in minor units (cents / kopecks). */
  priceMinor: number;
  /** The price the catalog was generated with; vendors bound changes around it. */
  basePriceMinor: number;
  /** Available units per warehouse (index = warehouse position). */
  stock: number[];
  /** Units held by unshipped orders, on the first warehouse (Ozon reports present = stock + reserved). */
  reserved: number;
  status: OfferStatus;
  /** ms since epoch of the last change. */
  updatedAt: number;
}

export interface CatalogOptions {
  seed: number;
  size: number;
  warehouses: number;
  /** Time every untouched offer reports as its last change. */
  baseTime: number;
  /** Inclusive price range in minor units. */
  priceRange: [number, number];
  /** Whole currency units only (Wildberries). */
  wholePrices?: boolean;
}

export interface DriftOptions {
  /** Share of the catalog to change; default 0.01. */
  fraction?: number;
  /** Exact number of offers to change (wins over fraction). */
  count?: number;
}

const ADJECTIVES = ['Compact', 'Smart', 'Classic', 'Ultra', 'Eco', 'Pro', 'Mini', 'Deluxe', 'Rugged', 'Silent', 'Nordic', 'Urban'];
const NOUNS = ['Kettle', 'Backpack', 'Headphones', 'Lamp', 'Blender', 'Jacket', 'Drill', 'Mug', 'Speaker', 'Chair', 'Router', 'Sneakers'];
const BRANDS = ['Arcana', 'Borealis', 'Cobalt', 'Dunmore', 'Everline', 'Fjord', 'Granite', 'Helix'];

export const SKU_PREFIX = 'STK-';

export function skuOf(index: number): string {
  return `${SKU_PREFIX}${String(index + 1).padStart(7, '0')}`;
}

export class Catalog {
  readonly size: number;
  readonly warehouses: number;
  readonly baseTime: number;
  private readonly seed: number;
  private readonly priceRange: [number, number];
  private readonly wholePrices: boolean;
  private readonly overlay = new Map<number, Offer>();
  private sortedKeys: number[] | undefined;
  private byUpdate: Offer[] | undefined;
  private driftRound = 0;

  constructor(options: CatalogOptions) {
    if (!Number.isInteger(options.size) || options.size < 1 || options.size > 1_000_000) {
      throw new Error('catalog size must be an integer between 1 and 1 000 000');
    }
    this.size = options.size;
    this.warehouses = Math.max(1, options.warehouses);
    this.baseTime = options.baseTime;
    this.seed = options.seed;
    this.priceRange = options.priceRange;
    this.wholePrices = options.wholePrices ?? false;
  }

  /** Offer at `index` (0-based), with any changes applied. */
  get(index: number): Offer {
    return this.overlay.get(index) ?? this.generate(index);
  }

  /** Index of a SKU of this catalog, or undefined. */
  indexOfSku(sku: string): number | undefined {
    if (!sku.startsWith(SKU_PREFIX)) return undefined;
    const n = Number(sku.slice(SKU_PREFIX.length));
    if (!Number.isInteger(n) || n < 1 || n > this.size || skuOf(n - 1) !== sku) return undefined;
    return n - 1;
  }

  /** Applies a change and stamps it with `now`. */
  update(index: number, change: Partial<Pick<Offer, 'priceMinor' | 'stock' | 'status' | 'reserved'>>, now = Date.now()): Offer {
    const current = this.get(index);
    const next: Offer = { ...current, ...change, stock: [...(change.stock ?? current.stock)], updatedAt: Math.max(now, current.updatedAt + 1) };
    if (!this.overlay.has(index)) this.sortedKeys = undefined;
    this.overlay.set(index, next);
    this.byUpdate = undefined;
    return next;
  }

  /** Changes price and stock of some offers, as a live shop would. Returns their indices. */
  drift(options: DriftOptions = {}, now = Date.now()): number[] {
    this.driftRound += 1;
    const rng = new Rng(hash32(this.seed, this.driftRound, 77));
    const wanted = Math.min(this.size, options.count ?? Math.max(1, Math.round(this.size * (options.fraction ?? 0.01))));
    const chosen = new Set<number>();
    while (chosen.size < wanted) {
      chosen.add(wanted > this.size / 2 ? chosen.size : rng.int(0, this.size - 1));
    }
    for (const index of chosen) {
      const offer = this.get(index);
      const factor = 0.9 + rng.next() * 0.2;
      const price = this.roundPrice(
        Math.min(offer.basePriceMinor * 2, Math.max(Math.ceil(offer.basePriceMinor / 2), offer.priceMinor * factor)),
      );
      const stock = offer.stock.map((units) => Math.max(0, units + rng.int(-5, 5)));
      // Make sure something visible changed.
      if (price === offer.priceMinor && stock.every((units, w) => units === offer.stock[w])) stock[0] = (stock[0] ?? 0) + 1;
      this.update(index, { priceMinor: price, stock }, now);
    }
    return [...chosen].sort((a, b) => a - b);
  }

  /** Number of offers changed since generation. */
  get changedCount(): number {
    return this.overlay.size;
  }

  /**
   * Offers ordered by (updatedAt, index), only those changed at or after `since`. Untouched
   * offers all share `baseTime`, so they come first in index order and are counted, not stored.
   */
  updatedView(since: number | undefined): { count: number; slice(offset: number, limit: number): Offer[] } {
    const changed = this.changedByUpdate().filter((offer) => since === undefined || offer.updatedAt >= since);
    const includeBase = since === undefined || since <= this.baseTime;
    const baseCount = includeBase ? this.size - this.overlay.size : 0;
    return {
      count: baseCount + changed.length,
      slice: (offset, limit) => {
        const out: Offer[] = [];
        if (offset < baseCount) {
          let index = this.nthUntouched(offset);
          while (out.length < limit && index < this.size) {
            if (!this.overlay.has(index)) out.push(this.generate(index));
            index += 1;
          }
        }
        const from = Math.max(0, offset - baseCount);
        out.push(...changed.slice(from, from + (limit - out.length)));
        return out;
      },
    };
  }

  private changedByUpdate(): Offer[] {
    this.byUpdate ??= [...this.overlay.values()].sort((a, b) => a.updatedAt - b.updatedAt || a.index - b.index);
    return this.byUpdate;
  }

  /** The n-th (0-based) index that has no overlay entry. */
  private nthUntouched(n: number): number {
    const keys = this.keys();
    // Smallest i with i - (#changed ≤ i) = n; iterating from below converges to it.
    let i = n;
    for (;;) {
      const next = n + countAtMost(keys, i);
      if (next === i) return i;
      i = next;
    }
  }

  private keys(): number[] {
    this.sortedKeys ??= [...this.overlay.keys()].sort((a, b) => a - b);
    return this.sortedKeys;
  }

  private roundPrice(minor: number): number {
    return this.wholePrices ? Math.max(100, Math.round(minor / 100) * 100) : Math.max(1, Math.round(minor));
  }

  private generate(index: number): Offer {
    const s = this.seed;
    const [min, max] = this.priceRange;
    const price = this.roundPrice(min + Math.floor(unit(s, index, 1) * (max - min)));
    const stock: number[] = [];
    for (let w = 0; w < this.warehouses; w += 1) {
      stock.push(unit(s, index, 10 + w) < 0.1 ? 0 : intBetween(s, index, 20 + w, 1, 200));
    }
    const roll = unit(s, index, 3);
    const status: OfferStatus = roll < 0.95 ? 'active' : roll < 0.99 ? 'inactive' : 'archived';
    return {
      index,
      sku: skuOf(index),
      name: `${pick(ADJECTIVES, s, index, 4)} ${pick(NOUNS, s, index, 5)} ${String.fromCharCode(65 + (index % 26))}${(index % 997) + 1}`,
      brand: pick(BRANDS, s, index, 6),
      ean: eanOf(index),
      priceMinor: price,
      basePriceMinor: price,
      stock,
      reserved: unit(s, index, 7) < 0.2 ? intBetween(s, index, 8, 1, 2) : 0,
      status,
      updatedAt: this.baseTime,
    };
  }
}

function countAtMost(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A valid EAN-13 derived from the index. */
function eanOf(index: number): string {
  const body = `594${String(index + 1).padStart(9, '0')}`;
  let sum = 0;
  for (let i = 0; i < 12; i += 1) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/** Minor units to a decimal string with `decimals` places ("4201" → "42.0100"). */
export function minorToDecimal(minor: number, decimals = 2): string {
  const whole = Math.trunc(minor / 100);
  const cents = String(Math.abs(minor % 100)).padStart(2, '0');
  const sign = minor < 0 && whole === 0 ? '-' : '';
  return `${sign}${whole}.${cents}${'0'.repeat(Math.max(0, decimals - 2))}`;
}

/** A decimal string or number to minor units, or undefined when it is not a clean amount. */
export function decimalToMinor(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  const [whole = '0', fraction = ''] = text.split('.');
  if (/[1-9]/.test(fraction.slice(2))) return undefined; // sub-cent amounts are not supported here
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
}
