export { OzonConnector } from './connector.js';
export { OZON_RATE_LIMITS } from './client.js';
