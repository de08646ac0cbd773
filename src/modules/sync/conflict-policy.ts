/**
 * Field-by-field reconciliation of one synced value (price, stock, order status) with a local
 * edit. Three values meet: `local` (what Stockline holds), `base` (what the marketplace reported
 * last) and `remote` (what it reports now). The remote side changed only when remote != base;
 * the local side has an unconfirmed edit only when `editedAt` is set. Only both at once is a
 * conflict, and only then does the strategy matter.
 */
import type { ConflictStrategy } from '../../generated/prisma/client.js';

export type FieldOutcome =
  /** Nothing changed on the marketplace: keep everything (a local edit stays pending). */
  | { kind: 'unchanged' }
  /** Take the remote value; `overrodeEdit` when that discarded an unconfirmed local edit. */
  | { kind: 'take'; overrodeEdit: boolean }
  /** The marketplace moved but the local edit wins: remember the remote value as base, push the local one again. */
  | { kind: 'keepLocal' }
  /** MANUAL: keep the local value and its edit, record a conflict for a person to settle. */
  | { kind: 'conflict' };

export interface FieldState<T> {
  local: T;
  base: T;
  remote: T;
  editedAt: Date | null;
  /** When the marketplace says it changed; when it does not say, the time the sync saw it. */
  remoteChangedAt: Date;
}

export function reconcileField<T>(state: FieldState<T>, strategy: ConflictStrategy, same: (a: T, b: T) => boolean = Object.is): FieldOutcome {
  if (same(state.remote, state.base)) return { kind: 'unchanged' };
  if (!state.editedAt) return { kind: 'take', overrodeEdit: false };
  // The marketplace arrived at the local value by itself (the push landed, or the same edit was made there).
  if (same(state.remote, state.local)) return { kind: 'take', overrodeEdit: false };
  switch (strategy) {
    case 'REMOTE_PRIORITY':
      return { kind: 'take', overrodeEdit: true };
    case 'LOCAL_PRIORITY':
      return { kind: 'keepLocal' };
    case 'NEWEST_WINS':
      return state.remoteChangedAt.getTime() > state.editedAt.getTime() ? { kind: 'take', overrodeEdit: true } : { kind: 'keepLocal' };
    case 'MANUAL':
      return { kind: 'conflict' };
  }
}
