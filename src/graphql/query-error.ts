import { GraphQLError } from 'graphql';
import type { z } from 'zod';
import { DomainError, DomainErrors } from '../core/domain-error.js';

/**
 * Runs a service call behind a query field. A query has no payload to carry typed errors, so an
 * expected refusal (a DomainError, such as a date range the service will not answer) becomes a
 * GraphQL error with code BAD_USER_INPUT, the domain code in `reason` and the argument in `field`.
 * Anything else is rethrown as is (masked and logged as unexpected).
 */
export async function runQuery<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const first = error instanceof DomainErrors ? error.errors[0] : error;
    if (first instanceof DomainError) {
      throw new GraphQLError(first.message, {
        extensions: { code: 'BAD_USER_INPUT', reason: first.code, ...(first.field ? { field: first.field } : {}) },
      });
    }
    throw error;
  }
}

/**
 * Parses one query argument with its zod rules before any database work. A broken rule (a
 * filter no row could match by the rules, such as a range that ends before it starts) is the
 * caller's mistake, not "no rows": a GraphQL error with code BAD_USER_INPUT, reason VALIDATION and
 * `field` the path from the argument (e.g. ["filter", "batchNumber"]).
 */
export function parseArg<S extends z.ZodType>(schema: S, value: unknown, arg: string): z.output<S> {
  return parseWith(schema, value, [arg]);
}

/** The same for a field's arguments taken together (`field` the path from the arguments, e.g. ["to"]). */
export function parseArgs<S extends z.ZodType>(schema: S, args: unknown): z.output<S> {
  return parseWith(schema, args, []);
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, at: string[]): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new GraphQLError(issue.message, {
    extensions: { code: 'BAD_USER_INPUT', reason: 'VALIDATION', field: [...at, ...issue.path.map(String)] },
  });
}
