/**
 * Which FBS/rFBS warehouse a stock update without one goes to: the account's defaultWarehouseId,
 * else the seller's only active (`created`) warehouse from /v1/warehouse/list. With several, there
 * is no safe guess: each such item fails and says what to set.
 */
import type { OzonClient } from './client.js';
import { warehouseListAnswer, type OzonWarehouse } from './schemas.js';

/**
 * The one status of a warehouse in use (spec, /v1/warehouse/list `status`: `created` = Активный).
 * The others are not a safe default: `new` is still activating, `disabled` archived, `blocked`,
 * `disabled_due_to_limit` paused and `error` broken.
 */
const ACTIVE = 'created';
const CACHE_MS = 10 * 60_000;

export type WarehouseChoice = { id: string } | { error: string };

export class OzonWarehouses {
  private cached: { at: number; list: Promise<OzonWarehouse[]> } | undefined;

  constructor(
    private readonly client: OzonClient,
    private readonly configured: string | undefined,
  ) {}

  /** The warehouse for items that name none (reads the list at most every 10 minutes). */
  async fallback(signal?: AbortSignal): Promise<WarehouseChoice> {
    if (this.configured) return { id: this.configured };
    const all = await this.list(signal);
    const active = all.filter((w) => w.status === ACTIVE);
    if (active.length === 1) return { id: String(active[0]?.warehouse_id) };
    const label = (w: OzonWarehouse) => `${w.warehouse_id}${w.name ? ` "${w.name}"` : ''}`;
    if (active.length === 0) {
      const others = all.map((w) => `${label(w)}: ${w.status ?? 'no status'}`).join(', ');
      return {
        error: `the seller has no active FBS/rFBS warehouse (/v1/warehouse/list${others ? `: ${others}` : ''}): activate one in the Ozon seller cabinet or give the item's warehouseId`,
      };
    }
    const ids = active.map(label).join(', ');
    return {
      error: `this seller has ${active.length} FBS warehouses (${ids}): give the item's warehouseId or set the account option defaultWarehouseId`,
    };
  }

  list(signal?: AbortSignal): Promise<OzonWarehouse[]> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.list;
    const list = this.client.call('/v1/warehouse/list', {}, warehouseListAnswer, { signal }).then((answer) => answer.result);
    const entry = { at: Date.now(), list };
    this.cached = entry;
    // A failed read is not kept: the next push asks again.
    list.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return list;
  }
}
