import { parse } from 'graphql';
import { schema } from '../../src/graphql/schema.js';
import { requestSecrets } from '../../src/graphql/secret-redaction.js';
import { AUDIT_DIR_ENV, registerSecrets } from './secret-audit.js';

/** Payload fields that hand out a secret: API tokens and webhook signing secrets. */
const SECRET_OUTPUTS = new Set(['token', 'secret', 'standardWebhooksSecret']);

function outputSecrets(value: unknown, found: string[], depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 12) return;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' && SECRET_OUTPUTS.has(key)) found.push(v);
    else outputSecrets(v, found, depth + 1);
  }
}

/**
 * Registers the secrets of one GraphQL exchange for the log audit: what the request sends at
 * secret-bearing inputs (by input type, as the server redacts them) and what the response hands out.
 */
export function registerGraphQLSecrets(query: string, variables: Record<string, unknown> | undefined, response: unknown): void {
  if (!process.env[AUDIT_DIR_ENV]) return;
  const found: string[] = [];
  try {
    found.push(...(requestSecrets(schema, parse(query), undefined, variables)?.values ?? []));
  } catch {
    // A document that does not parse carries no typed secret; the server refuses it as it is.
  }
  outputSecrets(response, found);
  registerSecrets(found);
}
