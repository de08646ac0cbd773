import { DomainError } from '../../core/domain-error.js';

/** Stable codes of every catalog edit refusal; clients switch on these. */
export const catalogErrorCodes = ['VALIDATION', 'NOT_FOUND', 'LISTING_DELISTED', 'LISTING_ALLOCATED'] as const;

export type CatalogErrorCode = (typeof catalogErrorCodes)[number];

/** When each code is returned (the enum values' descriptions in the schema). */
export const catalogErrorMeanings = {
  VALIDATION: 'An input value breaks a rule (a price not above 0, a negative or fractional stock, a malformed decimal or id); `field` names it.',
  NOT_FOUND: 'No listing or product has this id.',
  LISTING_DELISTED: 'The listing is DELISTED: the marketplace no longer offers it, so it cannot be edited.',
  LISTING_ALLOCATED: "The listing's stock comes from the stock pool (its account has an allocation rule other than OFF): adjust the pool, or set the account's rule to OFF to edit the listing's stock by hand.",
} as const satisfies Record<CatalogErrorCode, string>;

export const catalogError = (code: CatalogErrorCode, message: string, field: string[] | null = null) => new DomainError<CatalogErrorCode>(code, message, field);

export const listingNotFound = (id: string) => catalogError('NOT_FOUND', `No listing with id ${id}`, ['input', 'listingId']);
export const productNotFound = (id: string) => catalogError('NOT_FOUND', `No product with id ${id}`, ['input', 'productId']);
export const listingAllocated = (id: string, mode: string) =>
  catalogError('LISTING_ALLOCATED', `Listing ${id} takes its stock from the stock pool (its account's allocation rule is ${mode}): adjust the pool (adjustStock), or set the rule to OFF to edit this stock by hand`, ['input', 'listingId']);
export const listingDelisted = (id: string) =>
  catalogError('LISTING_DELISTED', `Listing ${id} is delisted: the marketplace no longer offers it, so it cannot be edited`, ['input', 'listingId']);

/** Codes of catalog query refusals (product trends): reported as BAD_USER_INPUT with the code in `reason`, not in the CatalogError enum. */
export type CatalogQueryErrorCode = 'RANGE_TOO_LONG';

export const catalogQueryError = (code: CatalogQueryErrorCode, message: string, field: string[] | null = null) => new DomainError<CatalogQueryErrorCode>(code, message, field);
