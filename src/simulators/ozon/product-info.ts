/**
 * Ozon product reads besides the id list: /v3/product/info/list (names, barcodes, images,
 * statuses and moderation errors, prices), /v4/product/info/stocks (stock per warehouse TYPE, with
 * every warehouse that ever held the item), /v1/product/info/stocks-by-warehouse/fbs (stock per
 * FBS warehouse, by Ozon SKU) and /v1/warehouse/list (the seller's FBS/rFBS warehouses).
 */
import { obj } from '../shared/body.js';
import { minorToDecimal, type Catalog, type Offer } from '../shared/catalog.js';
import type { SimRequest, SimResponse } from '../shared/server.js';
import type { OzonPrices } from './prices.js';
import { fboUnits, OZON_SKU_BASE, PRODUCT_ID_BASE, WAREHOUSE_IDS, type OzonSeller } from './seller.js';
import { badRequest, idList } from './wire.js';

const CATEGORY_IDS = [17_028_922, 17_028_741, 53_968_796, 17_027_904, 15_621_048];

/** Catalog indices named by product_id / offer_id / sku lists (≤1000 in total, spec). */
function indicesOf(body: Record<string, unknown>, catalog: Catalog): number[] | string {
  const products = idList(body.product_id) ?? [];
  const offers = idList(body.offer_id) ?? [];
  const skus = idList(body.sku) ?? [];
  if (products.length + offers.length + skus.length > 1000) return 'at most 1000 identifiers in total';
  const inRange = (i: number) => Number.isInteger(i) && i >= 0 && i < catalog.size;
  return [
    ...products.map((p) => Number(p) - PRODUCT_ID_BASE).filter(inRange),
    ...offers.map((o) => catalog.indexOfSku(o)).filter((i): i is number => i !== undefined),
    ...skus.map((s) => Number(s) - OZON_SKU_BASE).filter(inRange),
  ];
}

function statusesOf(offer: Offer, at: string) {
  if (offer.status === 'archived') {
    return { status: 'archived', moderate_status: 'approved', validation_status: 'success', status_updated_at: at };
  }
  if (offer.status === 'inactive') {
    return {
      status: 'failed_moderation',
      status_name: 'Не прошёл модерацию',
      moderate_status: 'declined',
      validation_status: 'success',
      status_failed: 'failed_moderation',
      status_description: 'Товар не прошёл модерацию',
      status_tooltip: 'Исправьте ошибки и отправьте товар на модерацию повторно',
      is_created: true,
      status_updated_at: at,
    };
  }
  return { status: 'price_sent', moderate_status: 'approved', validation_status: 'success', status_updated_at: at };
}

/** Moderation errors of a declined offer, plus a warning on some others (warnings do not block sale). */
function errorsOf(offer: Offer) {
  const errors = [];
  if (offer.status === 'inactive') {
    errors.push({
      attribute_id: 85,
      code: 'error_attribute_values_empty',
      field: 'attribute',
      level: 'ERROR_LEVEL_ERROR',
      state: 'failed_moderation',
      texts: {
        attribute_name: 'Бренд',
        description: 'Заполните обязательную характеристику «Бренд»',
        hint_code: '',
        message: 'Не заполнена обязательная характеристика',
        params: [],
        short_description: 'Не указан бренд',
      },
    });
  }
  if (offer.index % 7 === 3) {
    errors.push({
      attribute_id: 4194,
      code: 'image_low_resolution',
      field: 'images',
      level: 'ERROR_LEVEL_WARNING',
      state: 'imported',
      texts: { attribute_name: 'Изображения', description: 'Разрешение изображения ниже рекомендуемого', hint_code: '', message: 'Низкое разрешение', params: [], short_description: 'Низкое разрешение' },
    });
  }
  return errors;
}

/**
 * One info/list item: the fields that say what the product is (ids, name, barcodes, images,
 * category), its price and currency, statuses, errors and stocks. The spec's many other fields
 * (commissions, price indexes, promotions, sources, visibility…) are left out: no client here
 * reads them, and 1000-item pages must stay cheap enough for the pacing benchmark to measure the
 * client, not the simulator.
 */
function productInfoItem(offer: Offer, prices: OzonPrices, createdAt: string) {
  const at = new Date(offer.updatedAt).toISOString();
  const sku = OZON_SKU_BASE + offer.index;
  const fbs = offer.stock.reduce((a, b) => a + b, 0) + offer.reserved;
  const fbo = fboUnits(offer.index);
  return {
    id: PRODUCT_ID_BASE + offer.index,
    offer_id: offer.sku,
    sku,
    name: offer.name,
    barcodes: [offer.ean],
    description_category_id: CATEGORY_IDS[offer.index % CATEGORY_IDS.length],
    created_at: createdAt,
    updated_at: at,
    currency_code: prices.currency,
    price: minorToDecimal(offer.priceMinor),
    old_price: minorToDecimal(prices.oldPriceMinor(offer)),
    images: [`https://cdn1.ozone.ru/s3/m/${sku}-1.jpg`],
    primary_image: [`https://cdn1.ozone.ru/s3/m/${sku}-0.jpg`],
    is_archived: offer.status === 'archived',
    is_autoarchived: false,
    statuses: statusesOf(offer, at),
    errors: errorsOf(offer),
    stocks: {
      has_stock: fbs + fbo > 0,
      stocks: [
        { source: 'fbs', sku, present: fbs, reserved: offer.reserved },
        ...(fbo > 0 ? [{ source: 'fbo', sku, present: fbo, reserved: 0 }] : []),
      ],
    },
  };
}

export function productInfoList(request: SimRequest, catalog: Catalog, prices: OzonPrices): SimResponse {
  const indices = indicesOf(obj(request.body), catalog);
  if (typeof indices === 'string') return badRequest(indices);
  const createdAt = new Date(catalog.baseTime - 30 * 86_400_000).toISOString();
  return { status: 200, body: { items: [...new Set(indices)].map((i) => productInfoItem(catalog.get(i), prices, createdAt)) } };
}

/** v4: one entry per warehouse TYPE; FBS units of every warehouse summed, `warehouse_ids` = all that held the item. */
export function renderStocksByType(offer: Offer, seller: OzonSeller) {
  const sku = OZON_SKU_BASE + offer.index;
  const fbo = fboUnits(offer.index);
  return {
    offer_id: offer.sku,
    product_id: PRODUCT_ID_BASE + offer.index,
    stocks: [
      {
        type: 'fbs',
        present: offer.stock.reduce((a, b) => a + b, 0) + offer.reserved,
        reserved: offer.reserved,
        sku,
        shipment_type: 'SHIPMENT_TYPE_GENERAL',
        warehouse_ids: WAREHOUSE_IDS.slice(0, seller.warehouses).map(String),
      },
      ...(fbo > 0 ? [{ type: 'fbo', present: fbo, reserved: 0, sku, shipment_type: 'SHIPMENT_TYPE_GENERAL', warehouse_ids: [] }] : []),
    ],
  };
}

/** Per FBS warehouse, by Ozon SKU: `present` includes the reserved units. */
export function stocksByWarehouse(request: SimRequest, catalog: Catalog): SimResponse {
  const skus = idList(obj(request.body).sku);
  if (!skus) return badRequest('sku is required');
  if (skus.length > 1000) return badRequest('at most 1000 sku');
  const result = [];
  for (const sku of new Set(skus)) {
    const index = Number(sku) - OZON_SKU_BASE;
    if (!Number.isInteger(index) || index < 0 || index >= catalog.size) continue;
    const offer = catalog.get(index);
    for (let w = 0; w < offer.stock.length; w += 1) {
      const reserved = w === 0 ? offer.reserved : 0;
      result.push({
        sku: Number(sku),
        product_id: PRODUCT_ID_BASE + index,
        warehouse_id: WAREHOUSE_IDS[w],
        warehouse_name: `Склад ${w + 1}`,
        present: (offer.stock[w] ?? 0) + reserved,
        reserved,
      });
    }
  }
  return { status: 200, body: { result } };
}

export function warehouseList(seller: OzonSeller): SimResponse {
  const result = WAREHOUSE_IDS.slice(0, seller.warehouses).map((id, w) => ({
    warehouse_id: id,
    name: `Склад ${w + 1}`,
    is_rfbs: false,
    is_kgt: false,
    is_economy: false,
    is_karantin: false,
    is_timetable_editable: true,
    has_entrusted_acceptance: false,
    has_postings_limit: false,
    min_postings_limit: 0,
    postings_limit: -1,
    min_working_days: 5,
    working_days: ['1', '2', '3', '4', '5'],
    can_print_act_in_advance: false,
    first_mile_type: { dropoff_point_id: '', dropoff_timeslot_id: 0, first_mile_is_changing: false, first_mile_type: 'Pickup' },
    status: seller.warehouseStatuses?.[w] ?? 'created',
  }));
  return { status: 200, body: { result } };
}
