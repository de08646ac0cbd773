/**
 * `stockline status`: is the scheduler paused, how fresh is every account, and what fires next.
 * One health query gives the accounts with their last success and staleness; the scheduler part is
 * `stockline scheduler status`'s (./scheduler-next-runs.ts).
 */
import { createApiClient, type ConnectionOptions } from '../api-client.js';
import { formatRelative, formatTime, printJson, table, yesNo } from '../output.js';
import { STATUS } from '../operations.js';
import { nextRuns, nextRunsText, schedulerLine, type SchedulerState, type SchedulesPage } from './scheduler-next-runs.js';

export interface StatusOptions extends ConnectionOptions {
  json?: boolean;
}

type StatusData = SchedulesPage & {
  schedulerStatus: SchedulerState;
  syncHealth: {
    accounts: {
      account: { id: string; name: string; channel: string; enabled: boolean };
      lastSuccessAt: string | null;
      lastRunStatus: string | null;
      stale: boolean;
      activeRun: { id: string; status: string } | null;
    }[];
  };
};

export async function statusCommand(options: StatusOptions): Promise<number> {
  const api = createApiClient(options);
  try {
    const data = await api.request<StatusData>(STATUS, { after: null });
    const upcoming = await nextRuns(api, data);
    const accounts = data.syncHealth.accounts.map((a) => ({
      ...a.account,
      lastSuccessAt: a.lastSuccessAt,
      lastRunStatus: a.lastRunStatus,
      stale: a.stale,
      activeRun: a.activeRun,
    }));

    if (options.json) {
      printJson({ scheduler: data.schedulerStatus, accounts, nextRuns: upcoming });
      return 0;
    }
    console.log(schedulerLine(data.schedulerStatus));
    console.log('');
    console.log(
      accounts.length
        ? table(
            ['ACCOUNT', 'CHANNEL', 'ENABLED', 'LAST SUCCESS', 'LAST RUN', 'STALE', 'NOW'],
            accounts.map((a) => [
              a.name,
              a.channel,
              yesNo(a.enabled),
              a.lastSuccessAt ? `${formatTime(a.lastSuccessAt)} (${formatRelative(a.lastSuccessAt)})` : 'never',
              a.lastRunStatus ?? '-',
              yesNo(a.stale),
              a.activeRun?.status ?? '-',
            ]),
          )
        : 'No accounts.',
    );
    console.log('');
    console.log(nextRunsText(upcoming));
    return 0;
  } finally {
    await api.close();
  }
}
