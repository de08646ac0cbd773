/**
 * What sellers look at on an eMAG offer besides price and stock: its content, and why eMAG refuses
 * it (API v4.4.9 §2.8 availability table and §2.9 "Product validation responses").
 */
import type { ListingContent } from '../connector.js';
import type { EmagOffer } from './schemas.js';

/**
 * validation_status / translation_validation_status values that refuse the product or an update
 * of it: 0 draft (the feedback says what is missing), 5 brand rejected, 6 EAN rejected,
 * 8 documentation rejected, 10 blocked, 12 update rejected, 14 unsuccessful translation. The
 * others are approved or still pending.
 */
const REFUSED = new Set([0, 5, 6, 8, 10, 12, 14]);
/** offer_validation_status 2: the price check failed ("Invalid price"). */
const PRICE_REFUSED = 2;
const MAX_REASON = 1000;

export function contentOf(offer: EmagOffer): ListingContent {
  const images = [...(offer.images ?? [])]
    // display_type 1 is the main image, 2 secondary, 0 other.
    .sort((a, b) => rank(a.display_type) - rank(b.display_type))
    .map((i) => i.url);
  return {
    ...(offer.description ? { description: offer.description } : {}),
    ...(offer.brand ? { brand: offer.brand } : {}),
    // product_offer/read gives the category id only (names need category/read).
    ...(offer.category_id !== undefined && offer.category_id !== null ? { category: String(offer.category_id) } : {}),
    ...(images.length > 0 ? { images } : {}),
    ...(offer.ean && offer.ean.length > 0 ? { barcodes: offer.ean } : {}),
  };
}

const rank = (displayType: number | null | undefined) => (displayType === 1 ? 0 : displayType === 2 ? 1 : 2);

/** eMAG's own words for each refusal: the status description, with each feedback entry. */
export function rejectionReasonsOf(offer: EmagOffer): string[] {
  const reasons: string[] = [];
  const add = (reason: string) => {
    const text = reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason;
    if (!reasons.includes(text)) reasons.push(text);
  };
  for (const status of [...(offer.validation_status ?? []), ...(offer.translation_validation_status ?? [])]) {
    if (!REFUSED.has(status.value)) continue;
    const label = status.description || `validation status ${status.value}`;
    const notes = (status.errors ?? []).map(feedbackText).filter(Boolean);
    if (notes.length === 0) add(label);
    for (const note of notes) add(`${label}: ${note}`);
  }
  for (const status of offer.offer_validation_status ?? []) {
    if (status.value === PRICE_REFUSED) add(status.description || 'Invalid price');
  }
  for (const note of (offer.doc_errors ?? []).map(feedbackText).filter(Boolean)) {
    if (!reasons.some((reason) => reason.endsWith(`: ${note}`))) add(note);
  }
  return reasons;
}

/** A feedback entry as text: a string, or an object's message-like field, or its JSON. */
function feedbackText(entry: unknown): string {
  if (typeof entry === 'string') return entry.trim();
  if (typeof entry !== 'object' || entry === null) return entry === null || entry === undefined ? '' : String(entry);
  const record = entry as Record<string, unknown>;
  for (const key of ['message', 'description', 'text', 'error', 'name']) {
    if (typeof record[key] === 'string' && record[key]) return (record[key] as string).trim();
  }
  return JSON.stringify(entry);
}
