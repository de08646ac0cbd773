/**
 * Which FBS/rFBS warehouse a stock update without one goes to: the account's defaultWarehouseId,
 * else the seller's only active warehouse from /v1/warehouse/list. With several, there is no
 * safe guess: each such item fails and says what to set.
 */
import type { OzonClient } from './client.js';
import { warehouseListAnswer, type OzonWarehouse } from './schemas.js';

/** Statuses of warehouses that no longer take stock (spec: `disabled` = archived, `blocked`). */
const RETIRED = new Set(['disabled', 'blocked']);
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
    const active = (await this.list(signal)).filter((w) => !RETIRED.has(w.status ?? ''));
    if (active.length === 1) return { id: String(active[0]?.warehouse_id) };
    if (active.length === 0) return { error: 'the seller has no active FBS/rFBS warehouse (/v1/warehouse/list): create one in the Ozon seller cabinet' };
    const ids = active.map((w) => `${w.warehouse_id}${w.name ? ` "${w.name}"` : ''}`).join(', ');
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
