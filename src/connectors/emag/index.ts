export { EmagConnector } from './connector.js';
export { EMAG_RATE_LIMITS } from './client.js';
