/**
 * Connector factory and public surface. The app builds connectors from stored accounts
 * (credentials decrypted) and hands in one shared context (logger, optional Redis).
 */
import type { Connector, ConnectorAccount, ConnectorContext } from './connector.js';
import type { ChannelDefinition } from './channel.js';
import { channelRegistry } from './channels.js';

export function createConnector(account: ConnectorAccount, context: ConnectorContext = {}): Connector {
  const definition = channelRegistry[account.channel] as ChannelDefinition | undefined;
  if (!definition) throw new Error(`unknown channel ${String(account.channel)}`);
  return definition.connect(account, context);
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
