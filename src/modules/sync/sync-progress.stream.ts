/**
 * The syncProgress stream: live progress of one run, of one account's runs or of all runs. Given
 * a run, it opens with the run as it stands, so a late subscriber misses nothing.
 */
import type { AppServices } from '../../core/services.js';
import { isUuid } from '../../core/ids.js';
import type { SyncProgressEvent } from './sync.events.js';
import { closingSource } from '../../events/closing-stream.js';
import { isFinishedSyncStatus, progressEvent } from './sync-progress.js';

type LiveProgress = ReturnType<AppServices['events']['syncProgress']>;

/**
 * Live progress; with a runId, first the run's stored state. The live stream is started before
 * the state is read, and events older than that state are dropped, so nothing is missed or repeated.
 */
export function syncProgressStream(services: Pick<AppServices, 'prisma' | 'events'>, by: { runId?: string; accountId?: string }) {
  const live = services.events.syncProgress(by);
  if (!by.runId || !isUuid(by.runId)) return live;
  return closingSource(live, progressAfterSnapshot(services, live, by.runId, by.accountId));
}

async function* progressAfterSnapshot(services: Pick<AppServices, 'prisma'>, live: LiveProgress, runId: string, accountId: string | undefined): AsyncGenerator<SyncProgressEvent> {
  const firstLive = live.next(); // starts listening now; events published meanwhile are buffered
  try {
    const run = await services.prisma.syncRun.findUnique({ where: { id: runId } });
    if (run && (!accountId || run.accountId === accountId)) {
      const snapshot = progressEvent(run);
      yield snapshot;
      if (isFinishedSyncStatus(run.status)) return;
      const fresh = (e: SyncProgressEvent) => e.pagesDone > snapshot.pagesDone || e.status !== snapshot.status;
      const first = await firstLive;
      if (first.done) return;
      if (fresh(first.value)) yield first.value;
      for await (const event of live) if (fresh(event)) yield event;
      return;
    }
    const first = await firstLive;
    if (first.done) return;
    yield first.value;
    yield* live;
  } finally {
    await live.return(undefined);
  }
}
