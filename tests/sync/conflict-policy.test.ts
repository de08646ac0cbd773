/** The field rules of conflict-policy.ts, without a database: the dates that decide an order status edit. */
import { describe, expect, it } from 'vitest';
import { countEdit, noEdits, reconcileUnpushedField, remoteChangedAfterEdit } from '../../src/modules/sync/conflict-policy.js';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 6, 9, minute));
const edit = at(10);
const strategies = ['REMOTE_PRIORITY', 'LOCAL_PRIORITY', 'NEWEST_WINS', 'MANUAL'] as const;
const state = (remoteReportedAt: Date | null, baseSeenAt: Date | null) => ({ local: 'CANCELLED', base: 'NEW', remote: 'PROCESSING', editedAt: edit, remoteReportedAt, baseSeenAt, now: at(30) });

describe('remoteChangedAfterEdit', () => {
  it("decides by the marketplace's modified time when there is one (a tie goes to the edit)", () => {
    expect(remoteChangedAfterEdit(edit, at(11), null)).toBe(true);
    expect(remoteChangedAfterEdit(edit, at(10), at(20))).toBe(false);
    expect(remoteChangedAfterEdit(edit, at(9), at(20))).toBe(false);
  });
  it('without one, only a previous value seen at or after the edit dates the change after it', () => {
    expect(remoteChangedAfterEdit(edit, null, null)).toBe(false);
    expect(remoteChangedAfterEdit(edit, null, at(9))).toBe(false);
    expect(remoteChangedAfterEdit(edit, null, at(10))).toBe(true);
    expect(remoteChangedAfterEdit(edit, null, at(20))).toBe(true);
  });
});

describe('reconcileUnpushedField', () => {
  it('a remote value older than the edit leaves it standing under every strategy, counted as kept', () => {
    for (const strategy of strategies) {
      for (const older of [state(at(5), null), state(null, at(5)), state(null, null)]) {
        const outcome = reconcileUnpushedField(older, strategy);
        expect(outcome, strategy).toEqual({ kind: 'keepLocal' });
        const counts = noEdits();
        countEdit(counts, outcome);
        expect(counts).toEqual({ overridden: 0, kept: 1, queued: 0 });
      }
    }
  });
  it('a newer one follows the strategy', () => {
    for (const newer of [state(at(15), null), state(null, at(12))]) {
      expect(strategies.map((s) => reconcileUnpushedField(newer, s))).toEqual([{ kind: 'take', overrodeEdit: true }, { kind: 'keepLocal' }, { kind: 'take', overrodeEdit: true }, { kind: 'conflict' }]);
    }
  });
  it('no edit, an unchanged remote, or a remote that arrived at the edited value is no conflict and counts nothing', () => {
    const counts = noEdits();
    for (const outcome of [
      reconcileUnpushedField({ ...state(at(5), null), editedAt: null }, 'LOCAL_PRIORITY'),
      reconcileUnpushedField({ ...state(at(5), null), remote: 'NEW' }, 'REMOTE_PRIORITY'),
      reconcileUnpushedField({ ...state(at(5), null), remote: 'CANCELLED' }, 'MANUAL'),
    ]) countEdit(counts, outcome);
    expect(counts).toEqual({ overridden: 0, kept: 0, queued: 0 });
  });
});
