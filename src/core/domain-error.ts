import { ZodError } from 'zod';
import type { ErrorCode } from './error-codes.js';

/**
 * An expected refusal with a stable code; resolvers turn it into a typed payload error. `C` is the
 * code union of ONE domain: a domain throws only through the helper of its *.errors.ts (e.g.
 * `accessError`), so a code its GraphQL error enum cannot represent (another domain's) does not
 * compile. tests/architecture/boundaries.test.ts keeps `new DomainError(` in *.errors.ts files.
 */
export class DomainError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly field: string[] | null = null,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Several refusals at once, all reported (e.g. each bad code of a bulk call). */
export class DomainErrors extends Error {
  constructor(readonly errors: DomainError[]) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'DomainErrors';
  }
}

export interface UserErrorShape {
  code: ErrorCode;
  message: string;
  field: string[] | null;
}

/** Zod issues become one VALIDATION error per issue, with the path into `input`. */
export function toUserErrors(error: unknown): UserErrorShape[] | null {
  if (error instanceof DomainErrors) return error.errors.map((e) => ({ code: e.code, message: e.message, field: e.field }));
  if (error instanceof DomainError) return [{ code: error.code, message: error.message, field: error.field }];
  if (error instanceof ZodError) {
    return error.issues.map((issue) => ({
      code: 'VALIDATION',
      message: issue.message,
      field: ['input', ...issue.path.map(String)],
    }));
  }
  return null;
}
