/**
 * A list's sort: the chosen column, then the id in the same direction, so pages never overlap or
 * skip rows that tie. Nullable columns keep their nulls last in both directions, as users expect.
 */
export function sortWithTieBreak<T>(column: string, direction: 'ASC' | 'DESC', nullable: boolean): T[] {
  const dir = direction === 'ASC' ? 'asc' : 'desc';
  const primary = nullable ? { [column]: { sort: dir, nulls: 'last' } } : { [column]: dir };
  return [primary, { id: dir }] as T[];
}

/** A list's `orderBy` argument: one of its sort fields, and a direction. */
export interface ListOrderArg<F extends string> {
  field: F;
  direction?: 'ASC' | 'DESC' | null;
}

/**
 * The sort of a list: the asked field (ascending unless told), or the list's own default when
 * none is asked, always with the id tie-break. `columns` maps the sort-field enum to columns;
 * those in `nullable` keep their nulls last.
 */
export function listOrder<F extends string, T>(
  columns: Record<F, string>,
  nullable: readonly string[],
  orderBy: ListOrderArg<F> | null | undefined,
  fallback: { field: F; direction: 'ASC' | 'DESC' },
): T[] {
  const { field, direction } = orderBy ? { field: orderBy.field, direction: orderBy.direction ?? 'ASC' } : fallback;
  const column = columns[field];
  return sortWithTieBreak<T>(column, direction, nullable.includes(column));
}
