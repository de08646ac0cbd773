/**
 * `stockline scheduler pause|resume|status`: the switch every instance reads (it is a database row,
 * so a pause holds on every worker and across restarts) and what fires next. Pausing and resuming
 * need an OPERATOR token; status a VIEWER one.
 */
import { createApiClient, type ConnectionOptions } from '../api-client.js';
import { CliError } from '../cli-error.js';
import { formatTime, printJson } from '../output.js';
import { PAUSE_SCHEDULER as PAUSE, RESUME_SCHEDULER as RESUME, SCHEDULER_STATUS as STATUS } from '../operations.js';
import { nextRuns, nextRunsText, schedulerLine, type SchedulerState, type SchedulesPage } from './scheduler-next-runs.js';

export interface SchedulerStatusOptions extends ConnectionOptions {
  json?: boolean;
}


type Switched = { status: SchedulerState | null; errors: { code: string; message: string }[] };

async function flip(options: ConnectionOptions, mutation: string, field: 'pauseScheduler' | 'resumeScheduler'): Promise<SchedulerState> {
  const api = createApiClient(options);
  try {
    const payload = (await api.request<Record<typeof field, Switched>>(mutation))[field];
    if (payload.errors.length || !payload.status) throw new CliError(`The service refused: ${payload.errors.map((e) => e.message).join('; ') || 'no status returned'}.`);
    return payload.status;
  } finally {
    await api.close();
  }
}

export async function schedulerPauseCommand(options: ConnectionOptions): Promise<number> {
  const state = await flip(options, PAUSE, 'pauseScheduler');
  console.log(`Scheduler paused by ${state.pausedBy ?? 'unknown'} at ${formatTime(state.pausedAt)}: no instance fires schedules until \`stockline scheduler resume\`.`);
  return 0;
}

export async function schedulerResumeCommand(options: ConnectionOptions): Promise<number> {
  await flip(options, RESUME, 'resumeScheduler');
  console.log('Scheduler running: schedules fire again; what was due while paused is skipped.');
  return 0;
}

export async function schedulerStatusCommand(options: SchedulerStatusOptions): Promise<number> {
  const api = createApiClient(options);
  try {
    const data = await api.request<{ schedulerStatus: SchedulerState } & SchedulesPage>(STATUS, { after: null });
    const runs = await nextRuns(api, data);
    if (options.json) {
      printJson({ scheduler: data.schedulerStatus, nextRuns: runs });
      return 0;
    }
    console.log(schedulerLine(data.schedulerStatus));
    console.log('');
    console.log(nextRunsText(runs));
    return 0;
  } finally {
    await api.close();
  }
}
