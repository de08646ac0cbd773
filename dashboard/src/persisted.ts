/**
 * The dashboard's operations travel as their sha256 hashes (the manifest written at build from
 * operations.ts), over HTTP and the socket alike, so a service restricted to the manifest
 * (PERSISTED_OPERATIONS=only) runs them. Hashed by urql as the server's manifest hashed them
 * (stringifyDocument); a hash the service does not know is sent again with its document (APQ).
 */
import { persistedExchange } from '@urql/exchange-persisted';

export const dashboardPersistedExchange = () =>
  persistedExchange({
    enableForMutation: true,
    enableForSubscriptions: true,
    // POST, as every other request: the bearer token rides in a header, nothing is cached by URL.
    preferGetForPersistedQueries: false,
  });
