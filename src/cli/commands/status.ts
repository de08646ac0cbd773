/**
 * `stockline status`: is the scheduler paused, how fresh is every account, and what fires next.
 * One health query gives the accounts with their last success and staleness; schedules are read
 * page by page and sorted by their next fire time.
 */
import { createApiClient, type ConnectionOptions } from '../api-client.js';
import { formatRelative, formatTime, printJson, table, yesNo } from '../output.js';

export interface StatusOptions extends ConnectionOptions {
  json?: boolean;
}

const SCHEDULES = `schedules(first: 100, after: $after, filter: { enabled: true }) {
  pageInfo { hasNextPage endCursor }
  edges { node { id key kind mode scope cron intervalSeconds nextFireAt account { id name } } } }`;
const STATUS = `query StocklineCliStatus($after: String) {
  schedulerStatus { paused pausedAt pausedBy }
  syncHealth { accounts { account { id name channel enabled } lastSuccessAt lastRunStatus stale activeRun { id status } } }
  ${SCHEDULES}
}`;
const MORE_SCHEDULES = `query StocklineCliSchedules($after: String) { ${SCHEDULES} }`;

interface Schedule {
  id: string;
  key: string;
  kind: string;
  mode: string | null;
  scope: string | null;
  cron: string | null;
  intervalSeconds: number | null;
  nextFireAt: string | null;
  account: { id: string; name: string } | null;
}
interface SchedulesPage {
  schedules: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: Schedule }[] };
}
interface StatusData extends SchedulesPage {
  schedulerStatus: { paused: boolean; pausedAt: string | null; pausedBy: string | null };
  syncHealth: {
    accounts: {
      account: { id: string; name: string; channel: string; enabled: boolean };
      lastSuccessAt: string | null;
      lastRunStatus: string | null;
      stale: boolean;
      activeRun: { id: string; status: string } | null;
    }[];
  };
}

export async function statusCommand(options: StatusOptions): Promise<number> {
  const api = createApiClient(options);
  try {
    const data = await api.request<StatusData>(STATUS, { after: null });
    const schedules = data.schedules.edges.map((e) => e.node);
    for (let page = data.schedules.pageInfo; page.hasNextPage; ) {
      const more: SchedulesPage = await api.request<SchedulesPage>(MORE_SCHEDULES, { after: page.endCursor });
      schedules.push(...more.schedules.edges.map((e) => e.node));
      page = more.schedules.pageInfo;
    }
    // Enabled schedules without a next time do not fire (their account is disabled): not "next runs".
    const nextRuns = schedules.filter((s) => s.nextFireAt).sort((a, b) => a.nextFireAt!.localeCompare(b.nextFireAt!));
    const accounts = data.syncHealth.accounts.map((a) => ({
      ...a.account,
      lastSuccessAt: a.lastSuccessAt,
      lastRunStatus: a.lastRunStatus,
      stale: a.stale,
      activeRun: a.activeRun,
    }));

    if (options.json) {
      printJson({ scheduler: data.schedulerStatus, accounts, nextRuns });
      return 0;
    }
    const { paused, pausedAt, pausedBy } = data.schedulerStatus;
    console.log(`Scheduler: ${paused ? `PAUSED since ${formatTime(pausedAt)}${pausedBy ? ` by ${pausedBy}` : ''}` : 'running'}`);
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
    console.log('Next runs:');
    console.log(
      nextRuns.length
        ? table(
            ['WHEN', 'IN', 'SCHEDULE', 'ACCOUNT', 'MODE', 'SCOPE', 'EVERY'],
            nextRuns.map((s) => [
              formatTime(s.nextFireAt),
              formatRelative(s.nextFireAt),
              s.kind,
              s.account?.name ?? '-',
              s.mode ?? '-',
              s.scope ?? '-',
              s.cron ? `cron ${s.cron}` : s.intervalSeconds ? `${s.intervalSeconds} s` : '-',
            ]),
          )
        : '  none scheduled',
    );
    return 0;
  } finally {
    await api.close();
  }
}
