/** Percent, ETA and throughput of a run, from what it has stored; one formula for events and queries. */
import type { SyncRun, SyncStatus } from '../../generated/prisma/client.js';
import type { SyncProgressEvent } from './sync.events.js';

/** The statuses a run ends in; nothing moves it on from them. */
export const FINISHED_SYNC_STATUSES: readonly SyncStatus[] = ['SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED'];
export const isFinishedSyncStatus = (status: string): boolean => (FINISHED_SYNC_STATUSES as readonly string[]).includes(status);

export function phasesOf(scope: SyncRun['scope']): ('PRODUCTS' | 'ORDERS')[] {
  return scope === 'ALL' ? ['PRODUCTS', 'ORDERS'] : [scope];
}

export interface RunMetrics {
  percent: number;
  etaSeconds: number | null;
  itemsPerSecond: number;
  durationMs: number | null;
}

/** ETA and throughput from the stored counters; `activeMs` excludes time a run spent interrupted. */
export function runMetrics(run: Pick<SyncRun, 'status' | 'percent' | 'itemsDone' | 'activeMs' | 'startedAt' | 'finishedAt'>, now = new Date()): RunMetrics {
  const seconds = run.activeMs / 1000;
  const fraction = run.percent / 100;
  const etaSeconds = isFinishedSyncStatus(run.status) ? 0 : fraction > 0 && seconds > 0 ? (seconds * (1 - fraction)) / fraction : null;
  return {
    percent: run.percent,
    etaSeconds: etaSeconds === null ? null : Math.round(etaSeconds * 10) / 10,
    itemsPerSecond: seconds > 0 ? Math.round((run.itemsDone / seconds) * 10) / 10 : 0,
    durationMs: run.startedAt ? (run.finishedAt ?? now).getTime() - run.startedAt.getTime() : null,
  };
}

/** Percent of a run in phase `index` (of `phases`) with `fraction` (0..1) of that phase done; never 100 before the end. */
export function phasePercent(index: number, phases: number, fraction: number): number {
  return Math.round(Math.min(99.9, (100 * (index + fraction)) / phases) * 10) / 10;
}

/** A run's counters after one more page of its current phase, and where that phase began. */
export interface PageCount {
  /** Counters of the run with this page included. */
  pagesDone: number;
  itemsDone: number;
  /** The run's counters when the current phase began; every earlier phase was complete then. */
  phasePagesStart: number;
  phaseItemsStart: number;
  /** Whether the marketplace has more pages of this phase (the page has a cursor). */
  more: boolean;
  /** What the marketplace reported for the whole phase, where it does: an estimate. */
  reportedPages?: number;
  reportedItems?: number;
}

export interface RunTotals {
  pagesTotal: number;
  itemsTotal: number | null;
  /** Share of the current phase done, 0..1. */
  phaseFraction: number;
  /** The phase's own page position and total, for the page's log line. */
  phasePage: number;
  phasePages: number;
}

/**
 * The one rule for a run's totals: the overall total is the sum of its phases' totals. An
 * earlier phase is complete, so its total is exactly what it read. The current phase's total is
 * what the marketplace reported, raised when the run has already read as much or more (an
 * estimate that turned out low: a catalog that grew, a trailing empty page), so done never
 * exceeds total; unknown items stay null. Once the phase's last page is in, its total is what it
 * read. A later phase adds its own total when it starts.
 */
export function runTotals(count: PageCount): RunTotals {
  const pages = count.pagesDone - count.phasePagesStart;
  const items = count.itemsDone - count.phaseItemsStart;
  // More pages to come: at least one more than read so far.
  const phasePages = count.more ? Math.max(count.reportedPages ?? 0, pages + 1) : pages;
  const phaseItems = count.more ? (count.reportedItems === undefined ? null : Math.max(count.reportedItems, items)) : items;
  return {
    pagesTotal: count.phasePagesStart + phasePages,
    itemsTotal: phaseItems === null ? null : count.phaseItemsStart + phaseItems,
    phaseFraction: phasePages === 0 ? 1 : pages / phasePages,
    phasePage: pages,
    phasePages,
  };
}

export function progressEvent(run: SyncRun, at = new Date()): SyncProgressEvent {
  const metrics = runMetrics(run, at);
  return {
    runId: run.id,
    accountId: run.accountId,
    status: run.status,
    phase: run.phase,
    pagesDone: run.pagesDone,
    pagesTotal: run.pagesTotal,
    itemsDone: run.itemsDone,
    itemsTotal: run.itemsTotal,
    created: run.created,
    updated: run.updated,
    unchanged: run.unchanged,
    failed: run.failed,
    percent: metrics.percent,
    etaSeconds: metrics.etaSeconds,
    itemsPerSecond: metrics.itemsPerSecond,
    at: at.toISOString(),
  };
}
