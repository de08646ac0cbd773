/** #/ : accounts with live sync progress, recent runs, alerts and inventory per channel. */
import { AccountsPanel } from './accounts-panel';
import { AlertsPanel } from './alerts-panel';
import { ChannelStatsPanel } from './channel-stats-panel';
import { useLiveRuns } from './live-runs';
import { RunsPanel } from './runs-panel';

export function OverviewPage() {
  const live = useLiveRuns();
  return (
    <>
      <AccountsPanel live={live} />
      <div class="columns">
        <AlertsPanel finishedRuns={live.finished} />
        <ChannelStatsPanel finishedRuns={live.finished} />
      </div>
      <RunsPanel live={live} />
    </>
  );
}
