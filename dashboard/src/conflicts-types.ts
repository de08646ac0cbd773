/** The shapes the conflicts page reads (operations.ts types its documents with them). */
export interface ConflictRow {
  id: string;
  field: 'PRICE' | 'STOCK' | 'ORDER_STATUS';
  localValue: string;
  remoteValue: string;
  baseValue: string | null;
  localChangedAt: string;
  remoteChangedAt: string | null;
  createdAt: string;
  account: { id: string; name: string; channel: string };
  listing: { id: string; sku: string; currency: string; product: { id: string; name: string } } | null;
  order: { id: string; externalId: string } | null;
}

export interface ConflictFilter {
  accountId?: string;
  field?: ConflictRow['field'];
}
