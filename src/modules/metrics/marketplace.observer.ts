/** Turns a connector's HTTP observations into the marketplace metrics of one account. */
import type { HttpObserver } from '../../connectors/index.js';
import type { Metrics } from './metrics.registry.js';

export function marketplaceObserver(metrics: Metrics, account: { id: string; channel: string }): HttpObserver {
  const labels = { account_id: account.id, channel: account.channel };
  return ({ status, failure, durationMs }) => {
    const outcome = status === undefined ? (failure === 'TIMEOUT' ? 'timeout' : 'network') : status === 429 ? '429' : `${Math.min(5, Math.floor(status / 100))}xx`;
    metrics.marketplaceRequests.inc({ ...labels, outcome });
    if (status === 429) metrics.marketplaceRateLimited.inc(labels);
    metrics.marketplaceDuration.observe({ channel: account.channel }, durationMs / 1000);
  };
}
