export { StorefrontConnector } from './connector.js';
export { STOREFRONT_RATE_LIMITS } from './client.js';
