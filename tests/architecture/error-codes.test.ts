/**
 * DomainError's code is the union of the codes the domains declare (src/core/error-codes.ts), and
 * each domain's helper (its *.errors.ts) takes only that domain's codes: a misspelt code, or another
 * domain's, is a compile error (`npx tsc -p .` checks the expectations below), not an unknown enum
 * value that reaches the client as a masked INTERNAL error.
 */
import { describe, expect, it } from 'vitest';
import { DomainError, toUserErrors } from '../../src/core/domain-error.js';
import { accessError } from '../../src/modules/access/token.errors.js';

describe('DomainError codes', () => {
  it('takes a declared code and keeps it as given', () => {
    const error = new DomainError('BATCH_CLOSED', 'closed', ['input', 'batchId']);
    expect(toUserErrors(error)).toEqual([{ code: 'BATCH_CLOSED', message: 'closed', field: ['input', 'batchId'] }]);
  });

  it('refuses a code no domain declares (at compile time)', () => {
    // @ts-expect-error: a typo of NOT_FOUND is no code of any domain
    const error = new DomainError('NOT_FOUDN', 'typo');
    expect(error.code).toBe('NOT_FOUDN');
  });

  it("refuses, in a domain's helper, a code of another domain (at compile time)", () => {
    // @ts-expect-error: NOT_DELETABLE is a schedule code; the access error enum cannot represent it
    const error = accessError('NOT_DELETABLE', 'not ours');
    expect(error.code).toBe('NOT_DELETABLE');
    expect(accessError('ALREADY_REVOKED', 'ours').code).toBe('ALREADY_REVOKED');
  });
});
