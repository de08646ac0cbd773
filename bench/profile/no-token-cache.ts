/**
 * Preloaded (`--import`) into a bench's Stockline process to switch its token cache off: every
 * request looks its token up in the database, as before the cache, so the cache's part shows in the
 * same run. Bench-only; the service has no setting for it.
 */
import { TokenCache } from '../../src/modules/access/token-cache.js';

TokenCache.prototype.get = () => undefined;
