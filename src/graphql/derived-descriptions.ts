import { getNamedType, isEnumType, isObjectType, type GraphQLField, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { ROLES } from '../modules/access/roles.js';

/**
 * Descriptions that follow from the schema itself, appended once here rather than copied into every
 * field: which role each root field needs (its authScopes), which codes a mutation's `errors` can
 * carry (its payload's error-code enum) and what that `errors` field is, and what a connection's totalCount counts (the prisma
 * plugin adds that field without a description option). Runs on the built schema, so the printed
 * SDL and introspection both show them.
 */
export function addDerivedDescriptions(schema: GraphQLSchema): GraphQLSchema {
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) append(field, roleNote(root!, field));
  }
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    append(field, errorNote(field));
    const payload = getNamedType(field.type);
    const errors = isObjectType(payload) ? payload.getFields().errors : undefined;
    if (errors) errors.description ??= 'Why the mutation was refused; empty when it succeeded.';
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.extensions.pothosPrismaTotalCount) field.description ??= 'How many items match in all, on every page together (the filter applies; first, last, before and after do not).';
    }
  }
  return schema;
}

/** The lowest role a root field's authScopes let in (roles are ordered, see roles.ts). */
function roleNote(root: GraphQLObjectType, field: GraphQLField<unknown, unknown>): string {
  const options = field.extensions.pothosOptions as { authScopes?: unknown } | undefined;
  const scopes = options?.authScopes;
  if (scopes === undefined) return 'Open to any caller, with or without a token.';
  const granted = typeof scopes === 'object' && scopes !== null ? ROLES.filter((role) => (scopes as Record<string, unknown>)[role.toLowerCase()] === true) : [];
  if (granted.length !== 1 || Object.keys(scopes as object).length !== 1) {
    throw new Error(`${root.name}.${field.name}: authScopes must name one role (viewer, operator or admin) for its description to say who may call it`);
  }
  const role = granted[0]!;
  const others = ROLES.slice(ROLES.indexOf(role) + 1);
  const who = others.length ? `a token of role ${[role, ...others].join(', ').replace(/, ([A-Z]+)$/, ' or $1')}` : `a token of role ${role}`;
  return `Requires ${who}: without a token the request fails with UNAUTHENTICATED, with a lower role with FORBIDDEN.`;
}

/** The codes a mutation's payload can report in `errors` (the enum of its error type's `code`). */
function errorNote(field: GraphQLField<unknown, unknown>): string | undefined {
  const payload = getNamedType(field.type);
  const errors = isObjectType(payload) ? payload.getFields().errors : undefined;
  const errorType = errors && getNamedType(errors.type);
  const codeType = isObjectType(errorType) ? getNamedType(errorType.getFields().code?.type) : undefined;
  if (!isEnumType(codeType)) return undefined;
  const codes = codeType.getValues().map((value) => value.name);
  return `Expected refusals come back in \`errors\` (empty on success), each with a ${codeType.name}: ${codes.join(', ')}.`;
}

function append(field: { description?: string | null }, note: string | undefined): void {
  if (!note) return;
  field.description = field.description?.trim() ? `${field.description.trim()}\n\n${note}` : note;
}
