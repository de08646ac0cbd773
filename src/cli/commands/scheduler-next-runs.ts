/**
 * The scheduler's state and what fires next, as `stockline status` and `stockline scheduler status`
 * show them: every enabled schedule, read page by page, sorted by its next fire time.
 */
import type { ApiClient } from '../api-client.js';
import { MORE_SCHEDULES } from '../operations.js';
import { formatRelative, formatTime, table } from '../output.js';

export interface SchedulerState {
  paused: boolean;
  pausedAt: string | null;
  pausedBy: string | null;
}

export interface NextRun {
  id: string;
  key: string;
  kind: string;
  mode: string | null;
  scope: string | null;
  cron: string | null;
  intervalSeconds: number | null;
  timeZone: string;
  nextFireAt: string | null;
  account: { id: string; name: string } | null;
}

export interface SchedulesPage {
  schedules: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: NextRun }[] };
}


/** Every page after `first`, then the schedules that will fire, soonest first (enabled ones of a disabled account have no next time). */
export async function nextRuns(api: ApiClient, first: SchedulesPage): Promise<NextRun[]> {
  const schedules = first.schedules.edges.map((e) => e.node);
  for (let page = first.schedules.pageInfo; page.hasNextPage; ) {
    const more: SchedulesPage = await api.request<SchedulesPage>(MORE_SCHEDULES, { after: page.endCursor });
    schedules.push(...more.schedules.edges.map((e) => e.node));
    page = more.schedules.pageInfo;
  }
  return schedules.filter((s) => s.nextFireAt).sort((a, b) => a.nextFireAt!.localeCompare(b.nextFireAt!));
}

export const schedulerLine = ({ paused, pausedAt, pausedBy }: SchedulerState) =>
  `Scheduler: ${paused ? `PAUSED since ${formatTime(pausedAt)}${pausedBy ? ` by ${pausedBy}` : ''}` : 'running'}`;

/** "Next runs:" and their table (cron shown with its zone unless UTC). */
export function nextRunsText(runs: NextRun[]): string {
  const every = (s: NextRun) => (s.cron ? `cron ${s.cron}${s.timeZone !== 'UTC' ? ` (${s.timeZone})` : ''}` : s.intervalSeconds ? `${s.intervalSeconds} s` : '-');
  const rows = runs.map((s) => [formatTime(s.nextFireAt), formatRelative(s.nextFireAt), s.kind, s.account?.name ?? '-', s.mode ?? '-', s.scope ?? '-', every(s)]);
  return `Next runs:\n${rows.length ? table(['WHEN', 'IN', 'SCHEDULE', 'ACCOUNT', 'MODE', 'SCOPE', 'EVERY'], rows) : '  none scheduled'}`;
}
