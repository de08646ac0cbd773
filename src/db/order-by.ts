/**
 * A list's sort: the chosen column, then the id in the same direction, so pages never overlap or
 * skip rows that tie. Nullable columns keep their nulls last in both directions, as users expect.
 */
export function sortWithTieBreak<T>(column: string, direction: 'ASC' | 'DESC', nullable: boolean): T[] {
  const dir = direction === 'ASC' ? 'asc' : 'desc';
  const primary = nullable ? { [column]: { sort: dir, nulls: 'last' } } : { [column]: dir };
  return [primary, { id: dir }] as T[];
}
