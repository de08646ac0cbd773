/**
 * Connector factory and public surface. The app builds connectors from stored accounts
 * (credentials decrypted) and hands in one shared context (logger, optional Redis).
 */
import type { Connector, ConnectorAccount, ConnectorContext } from './connector.js';
import { EmagConnector } from './emag/index.js';
import { OzonConnector } from './ozon/index.js';
import { StorefrontConnector } from './storefront/index.js';
import { WildberriesConnector } from './wildberries/index.js';

export function createConnector(account: ConnectorAccount, context: ConnectorContext = {}): Connector {
  switch (account.channel) {
    case 'EMAG':
      return new EmagConnector(account, context);
    case 'OZON':
      return new OzonConnector(account, context);
    case 'WILDBERRIES':
      return new WildberriesConnector(account, context);
    case 'STOREFRONT':
      return new StorefrontConnector(account, context);
    default: {
      const channel: never = account.channel;
      throw new Error(`unknown channel ${String(channel)}`);
    }
  }
}

export type * from './connector.js';
export {
  AuthError,
  ConnectorError,
  MalformedResponseError,
  NetworkError,
  RateLimitError,
  RemoteError,
  TargetRefusedError,
  TimeoutError,
} from './shared/errors.js';
export { BudgetRegistry, defaultBudgetRegistry } from './shared/rate-limit.js';
export type { Logger } from './shared/logger.js';
export { EmagConnector, EMAG_RATE_LIMITS } from './emag/index.js';
export { OzonConnector, OZON_RATE_LIMITS } from './ozon/index.js';
export { WildberriesConnector, WB_RATE_LIMITS } from './wildberries/index.js';
export { StorefrontConnector, STOREFRONT_RATE_LIMITS } from './storefront/index.js';
