import { isDatabaseUnavailable } from '../../db/errors.js';
import { ConnectorError } from '../../connectors/index.js';

/**
 * The database, not a marketplace, went away. A connector's network error carries the same socket
 * codes (ECONNREFUSED, ECONNRESET …) in its cause as a lost database connection; a marketplace that
 * is down is that page's failure, while a database that is down releases the run to resume.
 */
export const isDatabaseOutage = (error: unknown): boolean => !(error instanceof ConnectorError) && isDatabaseUnavailable(error);
