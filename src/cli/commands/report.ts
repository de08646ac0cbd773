/** `stockline report [--days N]`: syncReport as a table or JSON; a period out of range is the API's own error (exit 2). */
import { createApiClient, type ConnectionOptions } from '../api-client.js';
import { formatDuration, formatTime, printJson, table } from '../output.js';
import type { RunTotals as Totals } from '../../modules/monitoring/report.service.js';
import { REPORT } from '../operations.js';

export interface ReportOptions extends ConnectionOptions {
  days: number;
  json?: boolean;
}


/** syncReport as it arrives over GraphQL (the service's figures; times as ISO strings). */
interface Report extends Totals {
  days: number;
  from: string;
  to: string;
  accounts: (Totals & { account: { id: string; name: string; channel: string; enabled: boolean } })[];
}

export async function reportCommand(options: ReportOptions): Promise<number> {
  const api = createApiClient(options);
  let report: Report;
  try {
    ({ syncReport: report } = await api.request<{ syncReport: Report }>(REPORT, { days: options.days }));
  } finally {
    await api.close();
  }
  if (options.json) {
    printJson(report);
    return 0;
  }
  const row = (label: string, channel: string, t: Totals) => [
    label,
    channel,
    String(t.total),
    String(t.successful),
    String(t.failed),
    String(t.partial),
    String(t.cancelled),
    String(t.inProgress),
    formatDuration(t.averageDurationMs),
    String(t.itemsSynced),
  ];
  console.log(`Sync runs of the last ${report.days} day(s): ${formatTime(report.from)} to ${formatTime(report.to)}`);
  console.log('');
  console.log(
    table(
      ['ACCOUNT', 'CHANNEL', 'RUNS', 'SUCCESS', 'FAILED', 'PARTIAL', 'CANCELLED', 'RUNNING', 'AVG TIME', 'ITEMS'],
      [...report.accounts.map((a) => row(a.account.name, a.account.channel, a)), row('(all)', '', report)],
    ),
  );
  return 0;
}
