import { z } from 'zod';
import { isTimeZone } from '../shared/time-zone.js';
import { cronProblem, MAX_INTERVAL_SECONDS, MIN_INTERVAL_SECONDS } from './schedule-timing.js';

const id = z.uuid('must be a valid id');

const cron = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = cronProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `cron "${value}" is not a valid 5-field cron expression: ${problem}` });
  });

const timeZone = z.string().trim().refine(isTimeZone, 'timeZone must be an IANA time zone such as Europe/Bucharest or UTC');

const intervalSeconds = z
  .int('intervalSeconds must be a whole number of seconds')
  .min(MIN_INTERVAL_SECONDS, `intervalSeconds must be at least ${MIN_INTERVAL_SECONDS}`)
  .max(MAX_INTERVAL_SECONDS, `intervalSeconds must be at most ${MAX_INTERVAL_SECONDS} (31 days); use cron beyond that`);

// Scheduled syncs are INCREMENTAL or FULL: a SELECTIVE sync needs SKUs a schedule does not carry.
const scope = z.enum(['PRODUCTS', 'ORDERS', 'ALL']);
const mode = z.enum(['INCREMENTAL', 'FULL'], { error: 'a scheduled sync is INCREMENTAL or FULL' });

/** At most one of cron and intervalSeconds (exactly one when `required`). */
const oneTiming = (required: boolean) => (input: { cron?: string | null; intervalSeconds?: number | null }, ctx: z.RefinementCtx) => {
  const given = (input.cron != null ? 1 : 0) + (input.intervalSeconds != null ? 1 : 0);
  if (given === 2) ctx.addIssue({ code: 'custom', path: ['intervalSeconds'], message: 'give either cron or intervalSeconds, not both' });
  if (given === 0 && required) ctx.addIssue({ code: 'custom', path: ['cron'], message: 'give a cron expression or intervalSeconds' });
};

export const updateScheduleInput = z
  .object({ id, cron: cron.nullish(), intervalSeconds: intervalSeconds.nullish(), timeZone: timeZone.nullish(), enabled: z.boolean().nullish(), scope: scope.nullish(), mode: mode.nullish() })
  .superRefine(oneTiming(false));

export const createScheduleInput = z
  .object({ accountId: id, cron: cron.nullish(), intervalSeconds: intervalSeconds.nullish(), timeZone: timeZone.nullish(), enabled: z.boolean().nullish(), scope: scope.nullish(), mode: mode.nullish() })
  .superRefine(oneTiming(true));

export const scheduleIdInput = z.object({ id });
