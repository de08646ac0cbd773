/**
 * Resume tokens. Each connector keeps its vendor position (page number, last_id, WB cursor)
 * plus the next page index, so a resumed listing keeps counting pages where it stopped.
 */
export interface CursorState<P> {
  /** Vendor position of the next request. */
  p: P;
  /** pageIndex of the next page. */
  i: number;
}

export function encodeCursor<P>(state: CursorState<P>): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

export function decodeCursor<P>(token: string, check: (p: unknown) => p is P): CursorState<P> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new Error('invalid cursor');
  }
  const state = parsed as Partial<CursorState<unknown>>;
  if (typeof state !== 'object' || state === null || typeof state.i !== 'number' || !check(state.p)) {
    throw new Error('invalid cursor');
  }
  return { p: state.p, i: state.i };
}
