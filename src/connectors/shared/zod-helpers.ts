/** zod building blocks for vendor payloads that disagree with their own docs on types. */
import { z } from 'zod';

/** An integer sent as a number or as a numeric string ("100"). */
export const intish = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]);

/** An id sent as a number or string, kept as a string. */
export const idish = z.union([z.number().int().transform(String), z.string().min(1)]);

/** Money as a decimal string or number, kept as given (converted with decimal.ts). */
export const money = z.union([
  z.number().refine(Number.isFinite, 'must be finite'),
  z.string().regex(/^\s*-?\d+(\.\d+)?\s*$/, 'must be a decimal'),
]);

/** A field that arrives as a one-element array or a bare object: always an array. */
export const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([z.array(item), item.transform((value) => [value] as z.output<T>[])]);

/** An ISO-8601 timestamp. */
export const isoDate = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
