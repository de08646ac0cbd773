/**
 * `stockline health`: syncHealth for monitors and operators. Exit 0 when OK, 1 when DEGRADED
 * (stale or alerting accounts) or DOWN (database unreachable), 2 when the service cannot be
 * asked at all (unreachable, token refused) — so a monitor can tell "bad data" from "no answer".
 */
import { createApiClient, type ConnectionOptions } from '../api-client.js';
import { EXIT } from '../cli-error.js';
import { formatDuration, formatTime, printJson, table } from '../output.js';
import { HEALTH } from '../operations.js';

export interface HealthOptions extends ConnectionOptions {
  json?: boolean;
}


interface Health {
  status: 'OK' | 'DEGRADED' | 'DOWN';
  databaseReachable: boolean;
  runsInProgress: number | null;
  staleAfterMinutes: number;
  checkedAt: string;
  accounts: {
    account: { id: string; name: string; channel: string; enabled: boolean };
    lastSuccessAt: string | null;
    lastRunStatus: string | null;
    lagSeconds: number | null;
    stale: boolean;
    activeAlerts: string[];
  }[];
}

export async function healthCommand(options: HealthOptions): Promise<number> {
  const api = createApiClient(options);
  let health: Health;
  try {
    ({ syncHealth: health } = await api.request<{ syncHealth: Health }>(HEALTH));
  } finally {
    await api.close();
  }
  const code = health.status === 'OK' ? EXIT.OK : EXIT.FAILED;
  if (options.json) {
    printJson(health);
    return code;
  }
  const database = health.databaseReachable ? 'database up' : 'database UNREACHABLE';
  const runs = health.runsInProgress === null ? '' : `, ${health.runsInProgress} sync(s) in progress`;
  console.log(`Health: ${health.status} (${database}${runs}; stale after ${health.staleAfterMinutes} min; checked ${formatTime(health.checkedAt)})`);

  const enabled = health.accounts.filter((a) => a.account.enabled);
  const stale = enabled.filter((a) => a.stale);
  const alerting = enabled.filter((a) => a.activeAlerts.length > 0);
  if (stale.length) {
    console.log('\nStale accounts:');
    console.log(
      table(
        ['ACCOUNT', 'CHANNEL', 'LAST SUCCESS', 'LAG', 'LAST RUN'],
        stale.map((a) => [
          a.account.name,
          a.account.channel,
          a.lastSuccessAt ? formatTime(a.lastSuccessAt) : 'never',
          a.lagSeconds === null ? '-' : formatDuration(a.lagSeconds * 1000),
          a.lastRunStatus ?? '-',
        ]),
      ),
    );
  }
  if (alerting.length) {
    console.log('\nAlerting accounts:');
    console.log(table(['ACCOUNT', 'CHANNEL', 'ALERTS'], alerting.map((a) => [a.account.name, a.account.channel, a.activeAlerts.join(', ')])));
  }
  if (health.status === 'OK') console.log(`All ${enabled.length} enabled account(s) are fresh, without alerts.`);
  return code;
}
