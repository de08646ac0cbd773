import { builder } from './builder.js';
import { toUserErrors, type UserErrorShape } from '../core/domain-error.js';

/**
 * Defines the error type and error-code enum of one domain. Every mutation payload of the domain
 * carries `errors: [<Domain>Error!]!`, empty on success.
 */
export function defineErrorType(name: string, codes: readonly string[], description: string) {
  const codeEnum = builder.enumType(`${name}Code`, { values: codes });
  return builder.objectRef<UserErrorShape>(name).implement({
    description,
    fields: (t) => ({
      code: t.field({ type: codeEnum, resolve: (e) => e.code as never }),
      message: t.exposeString('message'),
      field: t.exposeStringList('field', { nullable: true, description: 'Path of the offending input field, if any.' }),
    }),
  });
}

export type Payload<K extends string, T> = { [P in K]: T | null } & { errors: UserErrorShape[] };

/**
 * Runs a service call and shapes its outcome as a payload: the value under `key` on success,
 * typed errors on an expected refusal. Anything else is a bug: rethrown, masked, and logged.
 */
export async function runMutation<K extends string, T>(key: K, work: () => Promise<T>): Promise<Payload<K, T>> {
  try {
    const value = await work();
    return { [key]: value, errors: [] } as Payload<K, T>;
  } catch (error) {
    const errors = toUserErrors(error);
    if (!errors) throw error;
    return { [key]: null, errors } as Payload<K, T>;
  }
}
