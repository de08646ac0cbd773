/**
 * Writes src/graphql/persisted-operations.json, the manifest of the service's own operations
 * (sha256 of the document text -> document, as APQ and graphql-codegen's persisted documents do).
 * Each client's documents come from its one operations module, hashed over the exact text that
 * client hashes and sends: urql's stringifyDocument (dashboard, after its cacheExchange's __typename; urql example), Apollo's printed
 * document with the __typename fields its cache adds (Apollo example), the raw text (CLI,
 * graphql-ws example). tests/graphql/persisted-manifest.test.ts fails when the file is stale.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { print, type DocumentNode } from 'graphql';
import { formatDocument, gql as urqlGql, stringifyDocument } from '@urql/core';
import * as cli from '../src/cli/operations.js';
import { ensurePackage } from '../src/cli/tool-package.js';
import { FIRST_ACCOUNT_QUERY, SYNC_PROGRESS_SUBSCRIPTION, TRIGGER_SYNC_MUTATION } from '../client-examples/shared/sync-follow.js';

export const MANIFEST_PATH = fileURLToPath(new URL('../src/graphql/persisted-operations.json', import.meta.url));

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const documentsOf = (module: Record<string, unknown>) => Object.values(module).filter((value): value is { kind: 'Document' } => typeof value === 'object' && value !== null && (value as { kind?: string }).kind === 'Document');
const isSubscription = (document: { kind: 'Document' }) => (document as unknown as DocumentNode).definitions.some((d) => d.kind === 'OperationDefinition' && d.operation === 'subscription');
const textsOf = (module: Record<string, unknown>) => Object.values(module).filter((value): value is string => typeof value === 'string' && /^\s*(query|mutation|subscription)\b/.test(value));

/** The dashboard's module, loaded by path: the root tsconfig does not type-check the dashboard (JSX, bundler resolution). */
const DASHBOARD_OPERATIONS = new URL('../dashboard/src/operations.ts', import.meta.url).href;

/** The part of Apollo Client the manifest needs: its cache's document transform (adds __typename). */
interface Apollo {
  InMemoryCache: new () => { transformDocument(document: DocumentNode): DocumentNode };
  gql(text: string): DocumentNode;
}

/** Apollo Client from client-examples' own install (installed there on first use), not the root's. */
function loadApollo(): Apollo {
  const dir = ensurePackage('client-examples', '@apollo/client');
  return createRequire(join(dir, 'package.json'))('@apollo/client') as Apollo;
}

/** Every document text the service's own clients send, by its hash, sorted for stable diffs. */
export async function collectOperations(): Promise<Record<string, string>> {
  const dashboard = (await import(DASHBOARD_OPERATIONS)) as Record<string, unknown>;
  const examples = [FIRST_ACCOUNT_QUERY, SYNC_PROGRESS_SUBSCRIPTION, TRIGGER_SYNC_MUTATION];
  const { InMemoryCache, gql: apolloGql } = loadApollo();
  const apolloCache = new InMemoryCache();
  const texts = [
    // The dashboard's document cache (cacheExchange) adds __typename to queries and mutations before they are hashed.
    ...documentsOf(dashboard).map((document) => stringifyDocument(isSubscription(document) ? (document as never) : formatDocument(document as never))),
    ...textsOf(dashboard),
    ...textsOf(cli),
    ...examples,
    ...examples.map((text) => stringifyDocument(urqlGql(text))),
    ...examples.map((text) => print(apolloCache.transformDocument(apolloGql(text)))),
  ];
  const entries = texts.map((text) => [sha256(text), text] as const).sort(([a], [b]) => a.localeCompare(b));
  return Object.fromEntries(entries);
}

export const manifestText = async () => `${JSON.stringify(await collectOperations(), null, 2)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = await manifestText();
  writeFileSync(MANIFEST_PATH, text);
  console.log(`persisted operations: ${Object.keys(JSON.parse(text)).length} written to ${MANIFEST_PATH}`);
}
