export { WildberriesConnector } from './connector.js';
export { WB_RATE_LIMITS } from './client.js';
