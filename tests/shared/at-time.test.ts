// atTime waits for a moment however far ahead: a token valid for a year must not end its
// subscriptions at once (a bare setTimeout over ~24.8 days fires immediately).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { atTime } from '../../src/shared/at-time.js';

const DAY_MS = 24 * 60 * 60 * 1000;

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('atTime', () => {
  it('runs at a moment 365 days ahead, not before', () => {
    const fn = vi.fn();
    atTime(new Date(Date.now() + 365 * DAY_MS), fn);
    vi.advanceTimersByTime(365 * DAY_MS - 1);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('runs at once for a moment already past', () => {
    const fn = vi.fn();
    atTime(new Date(Date.now() - 1000), fn);
    vi.advanceTimersByTime(0);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('never runs once cancelled, also after a step of a long wait', () => {
    const fn = vi.fn();
    const cancel = atTime(new Date(Date.now() + 60 * DAY_MS), fn);
    vi.advanceTimersByTime(30 * DAY_MS);
    cancel();
    vi.advanceTimersByTime(60 * DAY_MS);
    expect(fn).not.toHaveBeenCalled();
  });
});
