import type { MarketplaceAccount } from '../../generated/prisma/client.js';
import type { AppServices } from '../../core/services.js';
import { createConnector, type Connector, type ConnectorContext } from '../../connectors/index.js';
import { toConnectorAccount } from './account.service.js';
import { marketplaceObserver } from '../metrics/marketplace.observer.js';

/**
 * A connector for a stored account, credentials decrypted, logging under the account's id.
 * Rate budgets live in a process-wide registry (or Redis), so a fresh connector per use is cheap
 * and still paces with every other connector of the same account.
 */
export function connectorFor(services: AppServices, account: MarketplaceAccount, context: Partial<ConnectorContext> = {}): Connector {
  return createConnector(toConnectorAccount(services, account), {
    logger: services.logger.child({ accountId: account.id, channel: account.channel }),
    redis: services.redis,
    // Counts this account's calls and 429s; connectors only see a callback, never the metrics library.
    onResponse: services.metrics ? marketplaceObserver(services.metrics, account) : undefined,
    // Checked again on every connection: the address a name resolves to today is the one dialled.
    targets: services.accountTargets ?? { allowPrivate: false },
    ...context,
  });
}
