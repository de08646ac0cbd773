/**
 * The totals rule of sync progress (sync-progress.ts runTotals), DB-free: a run's total is the
 * sum of its phases' totals; the current phase's reported total is an estimate raised when the
 * run has read as much, and exact once its last page is in. progress-totals.test.ts checks the
 * same over real runs of every channel.
 */
import { describe, expect, it } from 'vitest';
import { phasePercent, runMetrics, runTotals } from '../../src/modules/sync/sync-progress.js';

const first = { phasePagesStart: 0, phaseItemsStart: 0 };

describe('runTotals', () => {
  it('takes the reported phase total while it holds', () => {
    expect(runTotals({ ...first, pagesDone: 3, itemsDone: 300, more: true, reportedPages: 10, reportedItems: 1000 })).toEqual({
      pagesTotal: 10,
      itemsTotal: 1000,
      phaseFraction: 0.3,
      phasePage: 3,
      phasePages: 10,
    });
  });

  it('raises a reported total that turned out low (offers drifted in) instead of showing done above total', () => {
    const totals = runTotals({ ...first, pagesDone: 2, itemsDone: 200, more: true, reportedPages: 1, reportedItems: 150 });
    expect(totals).toMatchObject({ pagesTotal: 3, itemsTotal: 200, phasePage: 2, phasePages: 3 });
    expect(totals.phaseFraction).toBeLessThan(1);
  });

  it('ends a phase at what it read: a trailing empty page counts, an estimate too high shrinks', () => {
    expect(runTotals({ ...first, pagesDone: 2, itemsDone: 1000, more: false, reportedPages: 1, reportedItems: 1000 })).toMatchObject({ pagesTotal: 2, itemsTotal: 1000, phaseFraction: 1 });
    expect(runTotals({ ...first, pagesDone: 1, itemsDone: 3, more: false, reportedPages: 1, reportedItems: 5 })).toMatchObject({ pagesTotal: 1, itemsTotal: 3, phaseFraction: 1 });
  });

  it('keeps an unknown item total unknown until the phase ends, and expects one more page while there is more', () => {
    expect(runTotals({ ...first, pagesDone: 4, itemsDone: 400, more: true })).toMatchObject({ pagesTotal: 5, itemsTotal: null, phaseFraction: 0.8 });
    expect(runTotals({ ...first, pagesDone: 5, itemsDone: 430, more: false })).toMatchObject({ pagesTotal: 5, itemsTotal: 430 });
  });

  it('adds a later phase to what the earlier phases read', () => {
    const orders = { phasePagesStart: 10, phaseItemsStart: 1000 };
    expect(runTotals({ ...orders, pagesDone: 11, itemsDone: 1100, more: true, reportedPages: 6, reportedItems: 600 })).toMatchObject({
      pagesTotal: 16,
      itemsTotal: 1600,
      phasePage: 1,
      phasePages: 6,
    });
    // No total from the marketplace: the run's item total is unknown while its orders phase runs.
    expect(runTotals({ ...orders, pagesDone: 11, itemsDone: 1100, more: true })).toMatchObject({ pagesTotal: 12, itemsTotal: null });
  });
});

describe('percent and ETA', () => {
  it('percent stays within 0..99.9 while running, each phase weighing the same', () => {
    expect(phasePercent(0, 2, 0)).toBe(0);
    expect(phasePercent(0, 2, 1)).toBe(50);
    expect(phasePercent(1, 2, 1)).toBe(99.9);
  });

  it('the ETA is never negative: unknown before any progress, 0 once finished', () => {
    const base = { itemsDone: 10, activeMs: 2000, startedAt: new Date(0), finishedAt: null };
    expect(runMetrics({ ...base, status: 'RUNNING', percent: 0 }).etaSeconds).toBeNull();
    expect(runMetrics({ ...base, status: 'RUNNING', percent: 50 }).etaSeconds).toBe(2);
    expect(runMetrics({ ...base, status: 'RUNNING', percent: 99.9 }).etaSeconds).toBeGreaterThanOrEqual(0);
    expect(runMetrics({ ...base, status: 'SUCCESS', percent: 100, finishedAt: new Date(5000) }).etaSeconds).toBe(0);
  });
});
