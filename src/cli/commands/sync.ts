/**
 * `stockline sync <account|channel>`: queues syncs on the running service (triggerSync), follows
 * each run live over graphql-ws (syncProgress by run id: the first event is the run as it stands,
 * so nothing is missed however late the subscription starts) and ends with a summary per run.
 * Exit 0 when every run ends SUCCESS, 1 otherwise.
 */
import { CHANNELS, channelOf, findAccount, listAccounts, noSuchAccount } from '../accounts.js';
import { createApiClient, type ApiClient, type ConnectionOptions } from '../api-client.js';
import { CliError, EXIT } from '../cli-error.js';
import { formatDuration } from '../output.js';
import { createProgressView, type ProgressSnapshot, type ProgressView } from '../progress-view.js';
import { isFinishedSyncStatus } from '../../modules/sync/sync-progress.js';
import { SYNC_PROGRESS, SYNC_RUN, TRIGGER_SYNC } from '../operations.js';

export interface SyncOptions extends ConnectionOptions {
  full?: boolean;
  incremental?: boolean;
  scope?: 'PRODUCTS' | 'ORDERS' | 'ALL';
}

const POLL_MS = 1000;


interface QueuedRun {
  id: string;
  status: string;
  account: { id: string; name: string };
}

interface FinishedRun {
  id: string;
  status: string;
  mode: string;
  scope: string;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  delisted: number;
  durationMs: number | null;
  activeMs: number;
  error: string | null;
  account: { name: string };
}

export async function syncCommand(target: string, options: SyncOptions): Promise<number> {
  if (options.full && options.incremental) throw new CliError('Give --full or --incremental, not both.');
  const api = createApiClient(options);
  try {
    const input = {
      ...(await resolveTarget(api, target)),
      ...(options.full ? { mode: 'FULL' } : options.incremental ? { mode: 'INCREMENTAL' } : {}),
      ...(options.scope ? { scope: options.scope } : {}),
    };
    const { triggerSync } = await api.request<{ triggerSync: { runs: QueuedRun[]; errors: { code: string; message: string }[] } }>(TRIGGER_SYNC, { input });
    if (triggerSync.errors.length) throw new CliError(`Sync refused: ${triggerSync.errors.map((e) => `${e.code}: ${e.message}`).join('; ')}`);

    const view = createProgressView(triggerSync.runs.map((r) => r.account.name));
    // Ctrl-C stops watching, not the runs: say so, and leave the terminal as it was.
    const stopWatching = (signal: NodeJS.Signals) => {
      view.stop();
      console.error(`\nStopped following; the sync run(s) go on in the service: ${triggerSync.runs.map((r) => r.id).join(', ')}`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once('SIGINT', stopWatching).once('SIGTERM', stopWatching);
    let finished: FinishedRun[];
    try {
      finished = await Promise.all(triggerSync.runs.map((run) => followRun(api, run, view)));
    } finally {
      view.stop();
      process.off('SIGINT', stopWatching).off('SIGTERM', stopWatching);
    }
    const width = Math.max(...finished.map((r) => r.account.name.length));
    for (const run of finished) console.log(summary(run, width));
    return finished.every((r) => r.status === 'SUCCESS') ? EXIT.OK : EXIT.FAILED;
  } finally {
    await api.close();
  }
}

/**
 * An account id or name wins over a channel of the same spelling; a channel means every enabled
 * account of it (the server picks them, so a disabled one is never synced by accident).
 */
async function resolveTarget(api: ApiClient, target: string): Promise<{ accountIds: string[] } | { channels: string[] }> {
  const accounts = await listAccounts(api);
  const exact = accounts.find((a) => a.id === target || a.name === target);
  if (exact) return { accountIds: [exact.id] };
  const channel = channelOf(target);
  if (channel) return { channels: [channel] };
  const account = findAccount(accounts, target);
  if (!account) throw new CliError(`${noSuchAccount(target, accounts)} Channels: ${CHANNELS.join(', ')}.`);
  return { accountIds: [account.id] };
}

/** Shows the run's progress until its final status, then reads its outcome. */
async function followRun(api: ApiClient, run: QueuedRun, view: ProgressView): Promise<FinishedRun> {
  let status = run.status;
  for await (const { syncProgress } of api.subscribe<{ syncProgress: ProgressSnapshot }>(SYNC_PROGRESS, { runId: run.id })) {
    view.update(run.id, run.account.name, syncProgress);
    status = syncProgress.status;
    if (isFinishedSyncStatus(status)) break;
  }
  // The stream ends with the final status; should it end early, the stored run still tells.
  for (;;) {
    const { syncRun } = await api.request<{ syncRun: FinishedRun | null }>(SYNC_RUN, { id: run.id });
    if (!syncRun) throw new CliError(`Sync run ${run.id} disappeared.`);
    if (isFinishedSyncStatus(syncRun.status)) return syncRun;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** "shop  SUCCESS  FULL PRODUCTS  created 120  updated 0  unchanged 0  failed 0  in 2.3 s". */
function summary(run: FinishedRun, width: number): string {
  const counts = `created ${run.created}  updated ${run.updated}  unchanged ${run.unchanged}  failed ${run.failed}${run.delisted ? `  delisted ${run.delisted}` : ''}`;
  const parts = [run.account.name.padEnd(width), run.status, `${run.mode} ${run.scope}`, counts, `in ${formatDuration(run.durationMs ?? run.activeMs)}`];
  if (run.error) parts.push(`(${run.error})`);
  return parts.join('  ');
}
