/**
 * eMAG's review of an offer (API v4.4.9 §2.8 "Reading and counting products and offers", §2.9),
 * chosen deterministically by catalog index so tests know which offers are rejected:
 * - index % 10 = 3: documentation rejected (validation_status 8) with feedback in `errors` and
 *   `doc_errors`; a save of such an offer is applied but answered `isError: true` (§1.2: "In the
 *   event of a documentation error when saving a product, the API will return isError:true, but
 *   the new offer will be saved and processed").
 * - index % 10 = 7: brand rejected (validation_status 5), no feedback list.
 * - inactive offers: offer_validation_status 2 "Invalid price".
 * - index % 3 = 2: the seller does not own the documentation (ownership 2), so an order line's
 *   `part_number` is the manufacturer's code while `ext_part_number` stays the seller's own.
 */
import type { Offer } from '../shared/catalog.js';
import { hash32 } from '../shared/random.js';

export interface StatusEntry {
  value: number;
  description: string;
  errors: Array<{ code: string; message: string }> | null;
}

export interface OfferReview {
  validation: StatusEntry;
  offerValidation: { value: number; description: string };
  docErrors: Array<{ code: string; message: string }> | null;
}

export const DOC_FEEDBACK = { code: 'IMG-01', message: 'Main image must have a white background' };

export const isDocumentationRejected = (index: number): boolean => index % 10 === 3;

export function offerReview(offer: Offer): OfferReview {
  let validation: StatusEntry = { value: 9, description: 'Approved documentation', errors: null };
  let docErrors: OfferReview['docErrors'] = null;
  if (isDocumentationRejected(offer.index)) {
    validation = { value: 8, description: 'Documentation rejected', errors: [DOC_FEEDBACK] };
    docErrors = [DOC_FEEDBACK];
  } else if (offer.index % 10 === 7) {
    validation = { value: 5, description: 'Rejected Brand', errors: null };
  }
  const offerValidation = offer.status === 'active' ? { value: 1, description: 'Saleable' } : { value: 2, description: 'Invalid price' };
  return { validation, offerValidation, docErrors };
}

/** 1 eligible for content updates (the seller owns the documentation), 2 not. */
export const ownershipOf = (index: number): 1 | 2 => (index % 3 === 2 ? 2 : 1);

/** The manufacturer's part number eMAG shows on order lines of products the seller does not own. */
export const manufacturerPartNumber = (index: number): string => `MFR${hash32(11, index, 5).toString(36).toUpperCase()}`;
