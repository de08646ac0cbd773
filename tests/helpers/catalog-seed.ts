import type { TestApp } from './app.js';

// Rows written straight to the database for the read-side tests (catalog and orders lists,
// stats, trends): exact, known data with no marketplace or sync involved.

type Channel = 'EMAG' | 'OZON' | 'WILDBERRIES' | 'STOREFRONT';

/** A marketplace account written straight to the database (no connector is ever called). */
export async function seedAccount(t: TestApp, name: string, channel: Channel) {
  return t.app.services.prisma.marketplaceAccount.create({
    data: {
      name,
      channel,
      fulfillment: channel === 'EMAG' ? 'MAIN' : null,
      baseUrl: 'http://127.0.0.1:9',
      credentialsEncrypted: t.app.services.cipher.encrypt({ token: 'x' }),
    },
  });
}

export interface ListingSeed {
  productId: string;
  accountId: string;
  sku: string;
  externalId?: string;
  price?: string;
  currency?: string;
  stock?: number;
  stockByWarehouse?: Record<string, number>;
  status?: 'ACTIVE' | 'INACTIVE' | 'DELISTED';
  priceEditedAt?: Date | null;
  stockEditedAt?: Date | null;
}

let listingSeq = 0;
/** Listing row data; remote values equal the local ones unless an edit is pending. */
export function listingData(seed: ListingSeed) {
  const price = seed.price ?? '10.00';
  const stock = seed.stock ?? 0;
  return {
    productId: seed.productId,
    accountId: seed.accountId,
    externalId: seed.externalId ?? `EXT-${++listingSeq}`,
    sku: seed.sku,
    name: `Offer ${seed.sku}`,
    price,
    currency: seed.currency ?? 'RON',
    stock,
    stockByWarehouse: seed.stockByWarehouse ?? {},
    status: seed.status ?? 'ACTIVE',
    remoteStatus: 'remote-' + (seed.status ?? 'ACTIVE').toLowerCase(),
    remotePrice: price,
    remoteStock: stock,
    priceEditedAt: seed.priceEditedAt ?? null,
    stockEditedAt: seed.stockEditedAt ?? null,
  };
}

export type OrderStatus = 'NEW' | 'PROCESSING' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED' | 'RETURNED';

export interface OrderSeed {
  accountId: string;
  externalId: string;
  status?: OrderStatus;
  total: string;
  currency?: string;
  placedAt: Date;
  items?: { sku: string; quantity: number; price: string; name?: string | null }[];
  customer?: { name?: string | null; email?: string | null; phone?: string | null };
}

/** An order with its lines (positions 1..n). */
export async function seedOrder(t: TestApp, seed: OrderSeed) {
  const status = seed.status ?? 'NEW';
  return t.app.services.prisma.order.create({
    data: {
      accountId: seed.accountId,
      externalId: seed.externalId,
      status,
      remoteOrderStatus: status,
      remoteStatus: `vendor-${status.toLowerCase()}`,
      total: seed.total,
      currency: seed.currency ?? 'RON',
      placedAt: seed.placedAt,
      customerName: seed.customer?.name ?? null,
      customerEmail: seed.customer?.email ?? null,
      customerPhone: seed.customer?.phone ?? null,
      items: {
        create: (seed.items ?? []).map((item, i) => ({
          position: i + 1,
          sku: item.sku,
          externalProductId: `P-${item.sku}`,
          name: item.name === undefined ? `Line ${item.sku}` : item.name,
          quantity: item.quantity,
          price: item.price,
        })),
      },
    },
  });
}
