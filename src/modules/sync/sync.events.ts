/** Live progress of a sync run, published per page (syncProgress subscription, dashboard). */
export interface SyncProgressEvent {
  runId: string;
  accountId: string;
  status: string;
  phase: string | null;
  pagesDone: number;
  pagesTotal: number | null;
  itemsDone: number;
  itemsTotal: number | null;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  percent: number;
  etaSeconds: number | null;
  itemsPerSecond: number;
  /** ISO 8601. */
  at: string;
}

/** A run's status changed (sync-run channel, filtered by account). */
export interface SyncRunChange {
  runId: string;
  accountId: string;
  status: string;
}
