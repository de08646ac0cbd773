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

/** Percent of a run in phase `index` (of `phases`) with `fraction` of that phase done; never 100 before the end. */
export function phasePercent(index: number, phases: number, fraction: number): number {
  return Math.round(Math.min(99.9, (100 * (index + Math.min(1, fraction))) / phases) * 10) / 10;
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
