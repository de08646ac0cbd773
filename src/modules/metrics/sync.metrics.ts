/** Sync counters, recorded where pages commit and runs end (src/modules/sync/sync-run.lifecycle.ts, run-executor.ts). */
import type { Metrics } from './metrics.registry.js';

export interface SyncLabels {
  accountId: string;
  /** The account's channel; "unknown" when the account was gone before the run could start. */
  channel: string;
}

export function recordSyncPage(
  metrics: Metrics | undefined,
  run: SyncLabels,
  phase: 'PRODUCTS' | 'ORDERS',
  outcome: { created: number; updated: number; unchanged: number; failures: readonly unknown[] },
): void {
  if (!metrics) return;
  const labels = { account_id: run.accountId, channel: run.channel, phase: phase.toLowerCase() };
  metrics.syncItems.inc({ ...labels, kind: 'created' }, outcome.created);
  metrics.syncItems.inc({ ...labels, kind: 'updated' }, outcome.updated);
  metrics.syncItems.inc({ ...labels, kind: 'unchanged' }, outcome.unchanged);
  metrics.syncItems.inc({ ...labels, kind: 'failed' }, outcome.failures.length);
}

export function recordSyncRunFinished(metrics: Metrics | undefined, run: SyncLabels, status: string): void {
  metrics?.syncRunsFinished.inc({ account_id: run.accountId, channel: run.channel, status });
}
