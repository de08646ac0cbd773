/** What both servers of the fan-out bench stream: a syncProgress event, its selection and the bare server's schema of it. */
import type { SyncProgressEvent } from '../../src/modules/sync/sync.events.js';

export const SUBSCRIPTION = 'subscription { syncProgress { runId accountId status phase pagesDone pagesTotal itemsDone itemsTotal created updated unchanged failed percent etaSeconds itemsPerSecond at } }';

export const SYNC_PROGRESS_SDL = `
  type SyncProgress { runId: ID! accountId: ID! status: String! phase: String pagesDone: Int! pagesTotal: Int itemsDone: Int! itemsTotal: Int created: Int! updated: Int! unchanged: Int! failed: Int! percent: Float! etaSeconds: Float itemsPerSecond: Float! at: String! }
  type Query { ok: Boolean }
  type Subscription { syncProgress: SyncProgress }
`;

/** Page `page` of a 1,000-page run; runId 'probe' marks the events that only check every client is live. */
export function progressEvent(page: number, runId = '5b0c8f0e-7d4a-4c55-9a53-8c1f6f7d2a10'): SyncProgressEvent {
  return {
    runId,
    accountId: '0f3e2b7c-1a9d-4e2f-8b6a-3c5d7e9f1a2b',
    status: 'RUNNING',
    phase: 'PRODUCTS',
    pagesDone: page,
    pagesTotal: 1000,
    itemsDone: page * 100,
    itemsTotal: 100_000,
    created: page * 40,
    updated: page * 30,
    unchanged: page * 30,
    failed: 0,
    percent: page / 10,
    etaSeconds: 1000 - page,
    itemsPerSecond: 812.5,
    at: new Date().toISOString(),
  };
}
