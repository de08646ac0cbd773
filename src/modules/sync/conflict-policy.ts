/**
 * Field-by-field reconciliation of one synced value (price, stock, order status) with a local
 * edit. Three values meet: `local` (what Stockline holds), `base` (what the marketplace reported
 * last) and `remote` (what it reports now). The remote side changed only when remote != base;
 * the local side has an unconfirmed edit only when `editedAt` is set. Only both at once is a
 * conflict, and only then does the strategy matter.
 *
 * A value Stockline never pushes (order status) has one more rule, whatever the strategy: a remote
 * value older than the edit never replaces it (reconcileUnpushedField).
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

/** Edits a run overrode, kept or queued, by outcome; their sum is SyncRun.conflicts. */
export interface EditCounts {
  overridden: number;
  kept: number;
  queued: number;
}

export const noEdits = (): EditCounts => ({ overridden: 0, kept: 0, queued: 0 });

/** Counts an outcome that met an unconfirmed edit (an agreeing or unchanged remote meets none). */
export function countEdit(counts: EditCounts, outcome: FieldOutcome): void {
  if (outcome.kind === 'take' && outcome.overrodeEdit) counts.overridden++;
  else if (outcome.kind === 'keepLocal') counts.kept++;
  else if (outcome.kind === 'conflict') counts.queued++;
}

export interface UnpushedFieldState<T> extends Omit<FieldState<T>, 'remoteChangedAt'> {
  /** The marketplace's modified time of the record; null when it gives none. */
  remoteReportedAt: Date | null;
  /** When a sync last recorded `base` as current (first saw it, or saw it still there after the edit); null when unknown. */
  baseSeenAt: Date | null;
  /** The sync's clock. */
  now: Date;
}

/**
 * Whether the marketplace's change provably came after the edit. With a modified time, that time
 * decides (a tie goes to the edit). Without one, the change happened after `baseSeenAt`, the last
 * time a sync recorded the previous value: after the edit only when that sync came after it. So
 * the first change a sync meets after an edit it had not seen the old value since is treated as
 * possibly older (the edit stands, the new remote value becomes the base, seen now), and any later
 * change is newer.
 */
export function remoteChangedAfterEdit(editedAt: Date, remoteReportedAt: Date | null, baseSeenAt: Date | null): boolean {
  if (remoteReportedAt) return remoteReportedAt.getTime() > editedAt.getTime();
  return baseSeenAt !== null && baseSeenAt.getTime() >= editedAt.getTime();
}

/**
 * reconcileField for a value Stockline never pushes: the marketplace cannot be told the edit, so
 * its own value keeps coming back; only a change made after the edit may replace it (by the
 * strategy), an older one leaves the edit standing (counted as kept).
 */
export function reconcileUnpushedField<T>(state: UnpushedFieldState<T>, strategy: ConflictStrategy, same: (a: T, b: T) => boolean = Object.is): FieldOutcome {
  const outcome = reconcileField({ ...state, remoteChangedAt: state.remoteReportedAt ?? state.now }, strategy, same);
  const metEdit = outcome.kind === 'keepLocal' || outcome.kind === 'conflict' || (outcome.kind === 'take' && outcome.overrodeEdit);
  if (!metEdit || remoteChangedAfterEdit(state.editedAt!, state.remoteReportedAt, state.baseSeenAt)) return outcome;
  return { kind: 'keepLocal' };
}
