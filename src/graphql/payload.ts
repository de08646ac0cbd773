import { builder } from './builder.js';
import { toUserErrors, type UserErrorShape } from '../core/domain-error.js';

/**
 * Defines the error type and error-code enum of one domain. Every mutation payload of the domain
 * carries `errors: [<Domain>Error!]!`, empty on success. `codes` maps each code to when it is
 * returned (the domain's *.errors.ts holds that map, complete for its code union).
 */
export function defineErrorType(name: string, codes: Readonly<Record<string, string>>, description: string) {
  const meanings = Object.entries(codes);
  const codeEnum = builder.enumType(`${name}Code`, {
    description: `Why a ${name.replace(/Error$/, '').replace(/\B([A-Z])/g, ' $1').toLowerCase()} call was refused; stable, clients switch on it.`,
    values: Object.fromEntries(meanings.map(([code, meaning]) => [code, { description: meaning }])),
  });
  return builder.objectRef<UserErrorShape>(name).implement({
    description,
    fields: (t) => ({
      code: t.field({ type: codeEnum, description: 'What went wrong, as a stable code to switch on.', resolve: (e) => e.code as never }),
      message: t.exposeString('message', { description: 'What went wrong, in English, for a person; may change between versions.' }),
      field: t.exposeStringList('field', {
        nullable: true,
        description: 'Path of the offending input field from the mutation\'s arguments (e.g. ["input", "shiftEnd"]); null when no single field is at fault.',
      }),
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
