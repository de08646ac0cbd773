import type { AppServices } from '../../core/services.js';
import { evaluateAlerts } from './alerts.service.js';
import { settingsOf } from './monitoring.settings.js';

export interface AlertMonitor {
  /** Evaluates now (all accounts, or the given ones) and resolves when done; evaluations never overlap. */
  evaluate(accountIds?: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs in worker processes: evaluates an account's alerts after each of its runs finishes
 * (sync.completed / sync.failed, from any instance when events go through Redis) and every
 * account on an interval (`monitoring.alertIntervalMs`, default one minute), which is what
 * notices staleness and lets the last hour's error rate slide. Evaluations run one at a time;
 * accounts asked for while one runs are evaluated together right after it.
 */
export function startAlertMonitor(services: AppServices): AlertMonitor {
  const settings = settingsOf(services);
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();
  // Accounts waiting for the next evaluation; `all` when a full pass is waiting.
  let pending: { all: boolean; ids: Set<string> } | null = null;

  const evaluate = (accountIds?: readonly string[]): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (pending) {
      if (!accountIds) pending.all = true;
      else for (const id of accountIds) pending.ids.add(id);
      return chain;
    }
    pending = { all: !accountIds, ids: new Set(accountIds ?? []) };
    chain = chain.then(async () => {
      const next = pending!;
      pending = null;
      if (stopped) return;
      try {
        await evaluateAlerts(services, next.all ? {} : { accountIds: [...next.ids] });
      } catch (error) {
        services.logger.error({ err: error }, 'alert evaluation failed');
      }
    });
    return chain;
  };

  const finished = services.events.subscribe(['sync.completed', 'sync.failed']);
  void (async () => {
    try {
      for await (const event of finished) {
        if (stopped) break;
        const accountId = event.payload.accountId;
        if (typeof accountId === 'string') void evaluate([accountId]);
      }
    } catch (error) {
      if (!stopped) services.logger.error({ err: error }, 'alert monitor stopped listening to sync events');
    }
  })();

  const timer = setInterval(() => void evaluate(), settings.alertIntervalMs);
  // The first full pass comes after one interval, not at start: nothing goes stale in a minute.
  timer.unref();

  return {
    evaluate,
    async stop() {
      stopped = true;
      clearInterval(timer);
      // Ends the event loop above; not awaited: a generator waiting for its next event only returns once one arrives.
      void finished.return(undefined);
      await chain;
    },
  };
}
