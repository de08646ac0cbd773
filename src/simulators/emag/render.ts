/** eMAG JSON shapes of catalog offers and orders (API v4.4.9 §2.8, §5.1; marketplaces.md §1.5, §1.7). */
import type { Offer } from '../shared/catalog.js';
import { hash32 } from '../shared/random.js';
import type { NeutralOrderStatus, SimOrder } from '../shared/orders.js';
import type { Catalog } from '../shared/catalog.js';
import { manufacturerPartNumber, offerReview, ownershipOf } from './review.js';

export const VAT = 0.19;

/**
 * The zone of this simulator's platform (it plays emag.ro). eMAG dates carry no offset: they are
 * the platform country's wall clock (the API's campaign dates name `Europe/Bucharest`; a .bg client
 * converts its filters to `Europe/Sofia`).
 */
export const PLATFORM_ZONE = 'Europe/Bucharest';

const WALL_CLOCK = new Intl.DateTimeFormat('sv-SE', {
  timeZone: PLATFORM_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** `YYYY-mm-dd HH:ii:ss` on the platform's wall clock (the Swedish locale writes exactly that). */
export function emagDate(ms: number): string {
  return WALL_CLOCK.format(ms);
}

/**
 * A filter date, checked and kept as the wall-clock text eMAG compares it as: around a DST
 * change wall clocks repeat an hour, so a window is a range of texts, not of instants.
 */
export function parseEmagDate(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return undefined;
  return Number.isNaN(Date.parse(`${value.replace(' ', 'T')}Z`)) ? undefined : value;
}

/**
 * Whether a wall-clock interval spans more than one calendar month (v4.4.9 order filters: "Maximum
 * 1 month difference"). The month is read strictly: the day clamps to the next month's last, so
 * from 2026-01-31 10:00:00 the latest end is 2026-02-28 10:00:00 (not March 3rd, not 31 days).
 */
export function exceedsOneMonth(from: string, to: string): boolean {
  const start = new Date(`${from.replace(' ', 'T')}Z`);
  const [y, m] = [start.getUTCFullYear(), start.getUTCMonth() + 1];
  const day = Math.min(start.getUTCDate(), new Date(Date.UTC(y, m + 1, 0)).getUTCDate());
  const limit = Date.UTC(y, m, day, start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds());
  return Date.parse(`${to.replace(' ', 'T')}Z`) > limit;
}

/** Units of 10^-4 to eMAG's four-decimal strings ("42.0100"). */
export function fourDecimals(units: number): string {
  const sign = units < 0 ? '-' : '';
  const abs = Math.abs(Math.round(units));
  return `${sign}${Math.floor(abs / 10_000)}.${String(abs % 10_000).padStart(4, '0')}`;
}

export const minorToUnits = (minor: number): number => minor * 100;

export function priceBounds(offer: Offer): { min: number; max: number } {
  return { min: Math.ceil(offer.basePriceMinor / 2), max: offer.basePriceMinor * 2 };
}

export function partNumberKey(index: number): string {
  return hash32(7, index, 9).toString(36).toUpperCase().padStart(9, 'D').slice(0, 9);
}

const STATUS_CODE: Record<Offer['status'], number> = { inactive: 0, active: 1, archived: 2 };

export function renderOffer(offer: Offer): Record<string, unknown> {
  const { min, max } = priceBounds(offer);
  const total = offer.stock.reduce((a, b) => a + b, 0);
  const review = offerReview(offer);
  const ownership = ownershipOf(offer.index);
  return {
    id: offer.index + 1,
    part_number_key: partNumberKey(offer.index),
    part_number: offer.sku,
    name: offer.name,
    brand: offer.brand,
    description: `<p>${offer.name} by ${offer.brand}</p>`,
    url: `https://www.emag.ro/p/${partNumberKey(offer.index).toLowerCase()}`,
    category_id: 500 + (offer.index % 40),
    vendor_category_id: null,
    sale_price: fourDecimals(minorToUnits(offer.priceMinor)),
    recommended_price: offer.index % 4 === 0 ? null : fourDecimals(minorToUnits(Math.round(offer.priceMinor * 1.2))),
    min_sale_price: fourDecimals(minorToUnits(min)),
    max_sale_price: fourDecimals(minorToUnits(max)),
    currency: 'RON',
    ean: [offer.ean],
    stock: offer.stock.map((value, w) => ({ warehouse_id: w + 1, value })),
    general_stock: total,
    estimated_stock: Math.max(0, total - offer.reserved),
    status: STATUS_CODE[offer.status],
    vat_id: 1,
    warranty: 24,
    handling_time: offer.stock.map((_, w) => ({ warehouse_id: w + 1, value: 1 })),
    // Not in display order: a secondary image first, the main one (display_type 1) second.
    images: [
      { url: `https://images.example.test/${offer.sku}-back.jpg`, display_type: 2 },
      { url: `https://images.example.test/${offer.sku}.jpg`, display_type: 1 },
    ],
    characteristics: [{ id: 6506, value: offer.brand }],
    family: null,
    // The docs warn some fields come as a one-element array or a bare object: alternate them.
    offer_validation_status: offer.index % 2 === 0 ? review.offerValidation : [review.offerValidation],
    validation_status: [review.validation],
    translation_validation_status: [{ value: 17, description: 'Partial translation', errors: null }],
    doc_errors: review.docErrors,
    number_of_offers: 1 + (offer.index % 5),
    buy_button_rank: 1 + (offer.index % 3),
    best_offer_sale_price: fourDecimals(minorToUnits(offer.priceMinor)),
    best_offer_recommended_price: null,
    // Documented as 1/2; seen live as `true` for 1.
    ownership: ownership === 1 && offer.index % 3 === 0 ? true : ownership,
    genius_eligibility: 0,
    genius_eligibility_type: 0,
    genius_computed: 0,
  };
}

export const ORDER_STATUS: Record<NeutralOrderStatus, number> = {
  cancelled: 0,
  new: 1,
  processing: 2,
  shipped: 3,
  delivered: 4,
  returned: 5,
};

export function orderNumber(id: number, fulfillment: 'MAIN' | 'FBE'): number {
  return (fulfillment === 'FBE' ? 20_000_000 : 10_000_000) + id;
}

/** Gross shipping (VAT included) in units of 10^-4. */
function shippingUnits(order: SimOrder): number {
  return order.id % 3 === 0 ? 159_900 : 0;
}

export function renderOrder(order: SimOrder, catalog: Catalog, fulfillment: 'MAIN' | 'FBE'): Record<string, unknown> {
  const id = orderNumber(order.id, fulfillment);
  const created = emagDate(order.createdAt);
  const modified = emagDate(order.updatedAt);
  const voucherGross = order.id % 5 === 0 ? -100_000 : 0; // -10.00 RON
  const voucherNet = Math.round(voucherGross / (1 + VAT));
  return {
    id,
    status: ORDER_STATUS[order.status],
    is_complete: 1,
    type: fulfillment === 'FBE' ? 2 : 3,
    payment_mode: 'COD',
    payment_mode_id: 1,
    detailed_payment_method: 'Cash on delivery',
    delivery_mode: order.id % 4 === 0 ? 'pickup' : 'courier',
    details: { locker_id: order.id % 4 === 0 ? `LCK${order.id}` : null },
    date: created,
    modified,
    payment_status: 0,
    shipping_tax: fourDecimals(shippingUnits(order)).slice(0, -2),
    customer: {
      id: 900_000 + order.id,
      name: order.customer.name,
      email: hash32(3, order.id, 11).toString(16) + hash32(4, order.id, 12).toString(16),
      company: '',
      code: '',
      legal_entity: 0,
      is_vat_payer: 0,
      phone_1: order.customer.phone,
      phone_2: '',
      phone_3: '',
      billing_name: order.customer.name,
      billing_phone: order.customer.phone,
      billing_country: 'RO',
      billing_city: 'Bucuresti',
      billing_street: 'Strada Exemplu 1',
      billing_postal_code: '010101',
      shipping_contact: order.customer.name,
      shipping_phone: order.customer.phone,
      shipping_country: 'RO',
      shipping_city: 'Bucuresti',
    },
    products: order.lines.map((line, n) => {
      const offer = catalog.get(line.index);
      return {
        id: order.id * 10 + n,
        product_id: String(line.index + 1),
        // v4.4.9 §5.1.1: part_number is the manufacturer's code; ext_part_number the seller's own,
        // equal to part_number only when the seller owns the documentation.
        part_number: ownershipOf(line.index) === 1 ? offer.sku : manufacturerPartNumber(line.index),
        part_number_key: partNumberKey(line.index),
        ext_part_number: offer.sku,
        name: offer.name,
        status: 1,
        quantity: line.quantity,
        initial_qty: line.quantity,
        storno_qty: 0,
        sale_price: fourDecimals(Math.round(minorToUnits(line.priceMinor) / (1 + VAT))),
        original_price: fourDecimals(Math.round(minorToUnits(line.priceMinor) / (1 + VAT))),
        currency: 'RON',
        vat: '0.19',
        created,
        modified,
        product_voucher_split: [],
      };
    }),
    attachments: [],
    vouchers:
      voucherGross === 0
        ? []
        : [
            {
              voucher_id: 5000 + order.id,
              voucher_name: 'Welcome voucher',
              sale_price: fourDecimals(voucherNet),
              sale_price_vat: fourDecimals(voucherGross - voucherNet),
              vat: '0.19',
            },
          ],
    reason_cancellation: order.status === 'cancelled' ? { id: 1, name: 'Customer request' } : null,
    vendor_name: 'Stockline Simulator SRL',
    parent_id: null,
    observation: null,
    refunded_amount: '0',
    maximum_date_for_shipment: emagDate(order.createdAt + 2 * 86_400_000),
    late_shipment: 0,
    flags: [],
    finalization_date: order.status === 'delivered' ? modified : null,
    weekend_delivery: 0,
  };
}
