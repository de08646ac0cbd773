/** Ids and seller settings every Ozon simulator route shares. */

export const PRODUCT_ID_BASE = 200_000_000;
export const OZON_SKU_BASE = 900_000_000;
/** FBS warehouse ids, by warehouse position (real ids exceed int32, as these do). */
export const WAREHOUSE_IDS = [22_142_605_386_000, 22_142_605_387_000, 22_142_605_388_000];

/** What differs between Ozon sellers as far as the simulator goes. */
export interface OzonSeller {
  /** FBS warehouses the seller has (1..3); default 2. */
  warehouses: number;
  /** Settlement currency set in the seller's cabinet; prices must be sent in it. Default RUB. */
  currency: string;
  /** Method families the Api-Key has no role for (answered 403 code 7); default none. */
  deniedFamilies: MethodFamily[];
  /**
   * /v1/warehouse/list `status` per warehouse position; default all `created` (spec: `new`
   * activating, `created` active, `disabled` archived, `blocked`, `disabled_due_to_limit` paused, `error`).
   */
  warehouseStatuses?: string[];
  /** Offer indexes whose /v5/product/info/prices item carries an empty `currency_code` (robustness tests). */
  blankPriceCurrency?: number[];
}

/** How the simulator groups methods by the key role they need (Ozon names roles, not these groups). */
export type MethodFamily = 'products' | 'prices-stocks' | 'postings-fbs' | 'postings-fbo' | 'warehouses';

export const DEFAULT_SELLER: OzonSeller = { warehouses: 2, currency: 'RUB', deniedFamilies: [] };

/** Orders with these ids are FBO postings (shipped from Ozon's warehouses); the rest are FBS. */
export const isFboOrder = (id: number): boolean => id % 5 === 4;

/** Units an offer holds in Ozon's own (FBO) warehouses: some offers only. */
export const fboUnits = (index: number): number => (index % 3 === 0 ? 7 : 0);
