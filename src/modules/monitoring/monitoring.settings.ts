import type { Env } from '../../env.js';

/** Thresholds of health and alerts (from the environment) and the clock they are measured with. */
export interface MonitoringSettings {
  /** An enabled account whose last successful sync is older than this is stale; default 120 (STALE_AFTER_MINUTES). */
  staleAfterMinutes: number;
  /** Finished runs of one account in a row, all FAILED, that raise REPEATED_FAILURES; default 3 (ALERT_FAILURES_IN_A_ROW). */
  failuresInARow: number;
  /** FAILED + PARTIAL share (percent) of the last hour's finished runs that raises ERROR_RATE; default 50 (ALERT_ERROR_RATE_PERCENT). */
  errorRatePercent: number;
  /** Finished runs in the last hour needed before the error rate counts; default 4 (ALERT_ERROR_RATE_MIN_RUNS). */
  errorRateMinRuns: number;
  /** How often worker processes re-evaluate every alert (staleness and the sliding hour need no event); default 60000 ms. */
  alertIntervalMs: number;
  /** A RUNNING sync whose heartbeat is older than this is stuck (health) and may be cancelled at once; default 30000 ms (SYNC_STALE_AFTER_MS). */
  runStaleAfterMs: number;
  /** The clock; default the system clock (tests move it). */
  now: () => Date;
}

export const DEFAULT_ALERT_INTERVAL_MS = 60_000;

export function monitoringSettings(
  env: Pick<Env, 'STALE_AFTER_MINUTES' | 'ALERT_FAILURES_IN_A_ROW' | 'ALERT_ERROR_RATE_PERCENT' | 'ALERT_ERROR_RATE_MIN_RUNS'> & Partial<Pick<Env, 'SYNC_STALE_AFTER_MS'>>,
): MonitoringSettings {
  return {
    staleAfterMinutes: env.STALE_AFTER_MINUTES,
    failuresInARow: env.ALERT_FAILURES_IN_A_ROW,
    errorRatePercent: env.ALERT_ERROR_RATE_PERCENT,
    errorRateMinRuns: env.ALERT_ERROR_RATE_MIN_RUNS,
    alertIntervalMs: DEFAULT_ALERT_INTERVAL_MS,
    runStaleAfterMs: env.SYNC_STALE_AFTER_MS ?? 30_000,
    now: () => new Date(),
  };
}

/** The settings a service was given, or the documented defaults (services built without them, e.g. scripts). */
export function settingsOf(services: { monitoring?: MonitoringSettings }): MonitoringSettings {
  return (
    services.monitoring ??
    monitoringSettings({ STALE_AFTER_MINUTES: 120, ALERT_FAILURES_IN_A_ROW: 3, ALERT_ERROR_RATE_PERCENT: 50, ALERT_ERROR_RATE_MIN_RUNS: 4 })
  );
}
