/** Storefront payloads to channel-neutral listings and orders. */
import type { ListingContent, ListingStatus, OrderStatus, RemoteListing, RemoteOrder } from '../connector.js';
import { toDecimal } from '../shared/decimal.js';
import type { StorefrontOrder, StorefrontProduct } from './schemas.js';

const PRODUCT_STATUS: Record<string, ListingStatus> = {
  active: 'ACTIVE',
  draft: 'INACTIVE',
  inactive: 'INACTIVE',
  archived: 'DELISTED',
  deleted: 'DELISTED',
};

/** The storefront keeps one stock figure; it is reported under the warehouse "default". */
export function toListing(product: StorefrontProduct, currency: string): RemoteListing {
  const status = product.status ?? 'active';
  return {
    externalId: product.id,
    sku: product.sku,
    name: product.name,
    price: toDecimal(product.price, 2),
    currency: product.currency ?? currency,
    stock: product.stock,
    stockByWarehouse: { default: product.stock },
    status: PRODUCT_STATUS[status] ?? 'ACTIVE',
    remoteStatus: status,
    remoteUpdatedAt: product.updated_at,
    content: contentOf(product),
  };
}

/** The product's content, or undefined when the storefront sends none of it (the stored content then stays). */
function contentOf(product: StorefrontProduct): ListingContent | undefined {
  const { description, brand, category, images, barcode } = product;
  if (description == null && brand == null && category == null && images == null && barcode == null) return undefined;
  return {
    ...(description ? { description } : {}),
    ...(brand ? { brand } : {}),
    ...(category ? { category } : {}),
    images: images ?? [],
    barcodes: barcode ? [barcode] : [],
  };
}

const ORDER_STATUS: Record<string, OrderStatus> = {
  pending: 'NEW',
  paid: 'PROCESSING',
  shipped: 'SHIPPED',
  delivered: 'DELIVERED',
  cancelled: 'CANCELLED',
  refunded: 'RETURNED',
};

export function toOrder(order: StorefrontOrder): RemoteOrder {
  return {
    externalId: order.id,
    status: ORDER_STATUS[order.status] ?? 'PROCESSING',
    remoteStatus: order.status,
    customer: {
      name: order.customer?.name ?? null,
      email: order.customer?.email ?? null,
      phone: order.customer?.phone ?? null,
    },
    items: order.items.map((item) => ({
      sku: item.sku,
      externalProductId: item.product_id,
      ...(item.name ? { name: item.name } : {}),
      quantity: item.quantity,
      price: toDecimal(item.price, 2),
    })),
    total: toDecimal(order.total, 2),
    currency: order.currency,
    placedAt: order.created_at,
    remoteUpdatedAt: order.updated_at,
  };
}
