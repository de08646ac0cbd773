/**
 * A listing's content (description, brand, category, images, barcodes) and rejection reasons as the
 * writer stores them: validated, trimmed, and in a form a stored row compares to. Absent in a remote
 * listing means "this call did not read it": the stored values stay.
 */
import { z } from 'zod';
import { withoutIllFormed } from '../../core/well-formed-text.js';

// Marketplace text is kept, not refused: only what PostgreSQL cannot store (NUL, lone surrogates)
// is dropped, so one odd description never fails its whole page.
const clean = z.string().transform((v) => withoutIllFormed(v).trim());
const text = (max: number) => clean.pipe(z.string().max(max)).transform((v) => v || null);
const list = (maxItems: number, maxLength: number) =>
  z.array(clean.pipe(z.string().max(maxLength))).max(maxItems).transform((items) => items.filter(Boolean));

export const contentSchema = z.object({
  description: text(100_000).optional(),
  brand: text(255).optional(),
  category: text(500).optional(),
  images: list(100, 2000).optional(),
  barcodes: list(100, 100).optional(),
});

export const rejectionReasonsSchema = list(100, 5000);

/** The stored columns. */
export interface StoredContent {
  description: string | null;
  brand: string | null;
  category: string | null;
  images: string[];
  barcodes: string[];
}

export const EMPTY_CONTENT: StoredContent = { description: null, brand: null, category: null, images: [], barcodes: [] };

/** The columns a given content sets: a field the marketplace did not give is empty. */
export const storedContent = (content: z.output<typeof contentSchema>): StoredContent => ({
  description: content.description ?? null,
  brand: content.brand ?? null,
  category: content.category ?? null,
  images: content.images ?? [],
  barcodes: content.barcodes ?? [],
});

const sameList = (a: readonly string[] | null, b: readonly string[] | null) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

export const sameContent = (a: StoredContent, b: StoredContent) =>
  a.description === b.description && a.brand === b.brand && a.category === b.category && sameList(a.images, b.images) && sameList(a.barcodes, b.barcodes);

export { sameList as sameReasons };
