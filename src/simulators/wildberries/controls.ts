/**
 * Knobs a test turns on one Wildberries simulator to reproduce states a real account can be in
 * but a fresh seeded catalog is not: a warehouse busy with an earlier update, sizes whose
 * category may not be stocked there, slow price-task processing, WB-held (FBW) stock and orders,
 * tokens limited to some API categories, and failed card edits. Reached through the simulator's catalog, so the
 * shared simulator code needs no WB-specific field.
 */
import type { Catalog } from '../shared/catalog.js';

/** WB API categories a token may be limited to (one per host Stockline uses). */
export type WbCategory = 'content' | 'prices' | 'marketplace' | 'statistics';

export interface WildberriesControls {
  /** The next `times` stock writes to this warehouse answer 409 StoreIsProcessing. */
  storeProcessing(warehouseId: number, times: number): void;
  /** Stock writes naming this size answer 409 with `code` (e.g. SubjectFBSRestriction). */
  restrictSize(chrtId: number, code: string, message: string): void;
  /** Price uploads stay unprocessed this long (history answers `data: null` meanwhile); default 0. */
  priceTaskDelayMs: number;
  /** Gives offers whose index is a multiple of `every` stock on WB warehouses and FBW orders; default off. */
  fbwEvery: number;
  /** A further accepted token, limited to these categories (401 elsewhere, as WB answers). */
  addToken(token: string, categories: WbCategory[]): void;
  /** The last create/edit of this vendor code's card failed with these errors: a new batch, newer than every earlier one (cards error list). */
  cardErrors(vendorCode: string, errors: string[]): void;
}

export interface ControlState extends WildberriesControls {
  processing: Map<number, number>;
  restricted: Map<number, { code: string; message: string }>;
  tokens: Map<string, Set<WbCategory>>;
  /** Failed batches, oldest first. */
  errors: Array<{ vendorCode: string; errors: string[] }>;
}

const byCatalog = new WeakMap<Catalog, ControlState>();

export function createControls(catalog: Catalog): ControlState {
  const state: ControlState = {
    processing: new Map(),
    restricted: new Map(),
    tokens: new Map(),
    errors: [],
    priceTaskDelayMs: 0,
    fbwEvery: 0,
    storeProcessing(warehouseId, times) {
      state.processing.set(warehouseId, times);
    },
    restrictSize(chrtId, code, message) {
      state.restricted.set(chrtId, { code, message });
    },
    addToken(token, categories) {
      state.tokens.set(token, new Set(categories));
    },
    cardErrors(vendorCode, errors) {
      state.errors.push({ vendorCode, errors });
    },
  };
  byCatalog.set(catalog, state);
  return state;
}

/** The controls of a running Wildberries simulator (`sim.catalog` of `startSimulator('WILDBERRIES')`). */
export function wildberriesControls(sim: { catalog: Catalog }): WildberriesControls {
  const state = byCatalog.get(sim.catalog);
  if (!state) throw new Error('not a Wildberries simulator');
  return state;
}
