/** The shapes the orders page reads (operations.ts types its documents with them). */
import type { Change } from './catalog-types';

export const ORDER_STATUSES = ['NEW', 'PROCESSING', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURNED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderRow {
  id: string;
  externalId: string;
  channel: string;
  account: { id: string; name: string };
  status: OrderStatus;
  placedAt: string;
  total: string;
  currency: string;
  itemCount: number;
  customer: { name: string | null };
}

export interface OrderDetail extends OrderRow {
  remoteStatus: string;
  statusEditedAt: string | null;
  customer: { name: string | null; email: string | null; phone: string | null };
  items: { id: string; position: number; sku: string; name: string | null; quantity: number; price: string; lineTotal: string; product: { id: string; sku: string; name: string } | null }[];
  changes: Change[];
}

export interface OrderFilter {
  channel?: string;
  accountId?: string;
  status?: OrderStatus[];
  placedFrom?: string;
  placedTo?: string;
  search?: string;
}

export interface MoneyCount {
  currency: string;
  amount: string;
  count: number;
}
