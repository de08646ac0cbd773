/** Canonical forms of synced values, so a comparison never sees "12.5" vs "12.50" or reordered keys as a change. */

/** Two decimals, as PostgreSQL's numeric(14, 2) prints it; null when not a usable price. */
export function normalizePrice(value: string | number): string | null {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n < 0 || n >= 1e12) return null;
  return n.toFixed(2);
}

/** Stock per warehouse with keys sorted, as one comparable string and the object to store. */
export function canonicalWarehouses(stock: Record<string, number> | null | undefined): { json: string; value: Record<string, number> } {
  const value: Record<string, number> = {};
  for (const key of Object.keys(stock ?? {}).sort()) value[key] = (stock as Record<string, number>)[key] as number;
  return { json: JSON.stringify(value), value };
}

export const sameTime = (a: Date | null | undefined, b: Date | null | undefined) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

export const laterOf = (a: Date | null, b: Date | null | undefined): Date | null => (!b ? a : !a || b > a ? b : a);
