/**
 * The dashboard's operations travel as their sha256 hashes (the manifest written at build from
 * operations.ts), over HTTP and the socket alike, so a service restricted to the manifest
 * (PERSISTED_OPERATIONS=only) runs them. Hashed as the server's manifest hashed them: urql's
 * stringifyDocument text. A hash the service does not know is sent again with its document (APQ).
 */
import { persistedExchange } from '@urql/exchange-persisted';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** Hex sha256 of a document's text: the manifest's key for it. */
export const documentHash = (text: string) => bytesToHex(sha256(utf8ToBytes(text)));

/** APQ's `extensions.persistedQuery` for a document sent by plain fetch (the sign-in check). */
export const persistedExtensions = (text: string) => ({ persistedQuery: { version: 1, sha256Hash: documentHash(text) } });

export const dashboardPersistedExchange = () =>
  persistedExchange({
    enableForMutation: true,
    enableForSubscriptions: true,
    // POST, as every other request: the bearer token rides in a header, nothing is cached by URL.
    preferGetForPersistedQueries: false,
    // Not WebCrypto (urql's default): browsers offer crypto.subtle only on https or localhost, and
    // a dashboard opened at http://<host>:4000 would then send whole documents, refused under "only".
    generateHash: async (query) => documentHash(query),
  });
