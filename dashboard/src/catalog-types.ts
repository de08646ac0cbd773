/** The shapes the catalog pages read (operations.ts types its documents with them). */
export interface AccountChoice {
  id: string;
  name: string;
  channel: string;
}

export type PushState = 'QUEUED' | 'RETRYING' | 'PUSHED' | 'FAILED' | 'SUPERSEDED';

export interface Push {
  kind: 'PRICE' | 'STOCK';
  value: string;
  state: PushState;
  attempts: number;
  error: string | null;
  nextAttemptAt: string | null;
}

export interface ListingRow {
  id: string;
  sku: string;
  externalId: string;
  channel: string;
  account: { id: string; name: string; stockAllocation: Allocation | null };
  price: string;
  currency: string;
  stock: number;
  status: string;
  remoteStatus: string;
  stockByWarehouse: { warehouseId: string; stock: number }[];
  lastSeenAt: string;
  rejectionReasons: string[];
  pushes: Push[];
}

/** The account's rule for sharing the stock pool among its listings (null: OFF, manual stock). */
export interface Allocation {
  mode: 'SHARE' | 'CAP' | 'BUFFER' | 'OFF';
  value: number;
}

/** The product's stock pool (own locations), as the ledger holds it. */
export interface Pool {
  onHand: number;
  reserved: number;
  available: number;
  oversold: number;
}

export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  hidden: boolean;
  totalStock: number;
  stock: Pool;
  listings: ListingRow[];
}

export interface Change {
  id: string;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  actor: string;
  source: string;
  createdAt: string;
}

export interface ProductDetail extends Omit<ProductRow, 'listings'> {
  cost: string | null;
  createdAt: string;
  updatedAt: string;
  changes: Change[];
  listings: (ListingRow & { name: string; brand: string | null; category: string | null; barcodes: string[]; changes: Change[] })[];
}

export interface ProductFilter {
  channel?: string;
  accountId?: string;
  search?: string;
  outOfStock?: boolean;
  hidden?: boolean;
  rejected?: boolean;
  changedSince?: string;
}
