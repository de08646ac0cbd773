/**
 * The dashboard's live run state (the reducer behind the progress bars and the recent runs list):
 * it stays bounded however long the page is open, forgets the active runs after a reconnection
 * (their final events may have been lost), and never moves a run backwards.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_LIVE_RUNS, KEEP_FINISHED, laterOf, reduceLiveRuns, type LiveRuns, type RunSummary } from '../../dashboard/src/live-runs-state.js';

const ACCOUNTS = ['acc-a', 'acc-b', 'acc-c'];

function summary(id: string, accountId: string, status: string, percent: number): RunSummary {
  return {
    id,
    status,
    mode: 'FULL',
    scope: 'ALL',
    percent,
    pagesDone: 0,
    pagesTotal: null,
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    durationMs: null,
    error: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, Number(id.slice(4)))).toISOString(),
    startedAt: null,
    finishedAt: null,
    triggeredBy: 'test',
    account: { id: accountId, name: accountId, channel: 'STOREFRONT' },
  };
}

let clock = 0;
const progress = (state: LiveRuns, runId: string, accountId: string, percent: number) =>
  reduceLiveRuns(state, { type: 'progress', at: ++clock, event: { runId, accountId, status: 'RUNNING', percent, pagesDone: 1, pagesTotal: 10, etaSeconds: 1, itemsPerSecond: 100, phase: 'PRODUCTS' } });
const update = (state: LiveRuns, run: RunSummary) => reduceLiveRuns(state, { type: 'run', at: ++clock, run });

/** `count` runs, round robin over the accounts, each started, moved along and finished. */
function finishRuns(state: LiveRuns, count: number, from = 0): LiveRuns {
  for (let i = from; i < from + count; i += 1) {
    const id = `run-${i}`;
    const account = ACCOUNTS[i % ACCOUNTS.length]!;
    state = update(state, summary(id, account, 'RUNNING', 0));
    state = progress(state, id, account, 50);
    state = update(state, summary(id, account, 'SUCCESS', 100));
  }
  return state;
}

describe('live run state', () => {
  it('keeps the active runs, each account’s latest and the newest finished ones, however many runs pass', () => {
    let state = finishRuns(EMPTY_LIVE_RUNS, 40);
    // Two runs still going, started long before the others finish.
    state = update(state, summary('run-1000', 'acc-d', 'RUNNING', 0));
    state = progress(state, 'run-1000', 'acc-d', 10);
    state = update(state, summary('run-1001', 'acc-e', 'PENDING', 0));
    state = finishRuns(state, 400, 40);

    expect(state.finished).toBe(440);
    const kept = Object.keys(state.byRun);
    expect(kept).toContain('run-1000');
    expect(kept).toContain('run-1001');
    // Each account's latest run is kept: the last three finished.
    for (const id of ['run-437', 'run-438', 'run-439']) expect(kept).toContain(id);
    expect(Object.values(state.latestByAccount).sort()).toEqual(['run-1000', 'run-1001', 'run-437', 'run-438', 'run-439']);
    // Besides those, exactly the KEEP_FINISHED newest finished runs.
    const others = kept.filter((id) => !['run-1000', 'run-1001', 'run-437', 'run-438', 'run-439'].includes(id));
    expect(others.sort()).toEqual(Array.from({ length: KEEP_FINISHED }, (_, i) => `run-${437 - KEEP_FINISHED + i}`).sort());
    // The whole runs go with them (the recent runs list merges these on every event).
    expect(Object.keys(state.updates).every((id) => id in state.byRun)).toBe(true);
    expect(Object.keys(state.updates).length).toBe(kept.length);
  });

  it('forgets the active runs after a reconnection, and their place as an account’s latest', () => {
    let state = finishRuns(EMPTY_LIVE_RUNS, 3);
    state = update(state, summary('run-10', 'acc-a', 'RUNNING', 0));
    state = progress(state, 'run-10', 'acc-a', 40);
    expect(state.latestByAccount['acc-a']).toBe('run-10');

    const after = reduceLiveRuns(state, { type: 'reconnected' });
    expect(Object.keys(after.byRun).sort()).toEqual(['run-0', 'run-1', 'run-2']);
    expect(after.updates['run-10']).toBeUndefined();
    // The panels read the account again instead of showing the run as running forever.
    expect(after.latestByAccount['acc-a']).toBeUndefined();
    expect(after.latestByAccount['acc-b']).toBe('run-1');
    expect(after.finished).toBe(state.finished);
    // Nothing active: the same state back.
    expect(reduceLiveRuns(after, { type: 'reconnected' })).toBe(after);
  });

  it('never moves a run backwards: late page events, lower percents, a finished run', () => {
    let state = update(EMPTY_LIVE_RUNS, summary('run-1', 'acc-a', 'RUNNING', 0));
    state = progress(state, 'run-1', 'acc-a', 60);
    state = update(state, summary('run-1', 'acc-a', 'RUNNING', 30));
    expect(state.byRun['run-1']!.percent).toBe(60);
    state = update(state, summary('run-1', 'acc-a', 'CANCELLED', 60));
    state = progress(state, 'run-1', 'acc-a', 70);
    expect(state.byRun['run-1']).toMatchObject({ status: 'CANCELLED', percent: 60 });

    const running = { status: 'RUNNING', percent: 80 };
    const done = { status: 'SUCCESS', percent: 100 };
    expect(laterOf(running, done)).toBe(done);
    expect(laterOf(done, running)).toBe(done);
    expect(laterOf(running, { status: 'RUNNING', percent: 20 })).toBe(running);
    expect(laterOf({ status: 'PENDING', percent: 0 }, running)).toBe(running);
  });
});
