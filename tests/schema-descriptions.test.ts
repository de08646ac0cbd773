/**
 * Every element of the public schema says what it means to a user: each type (but GraphQL's own
 * scalars and the introspection types), its fields, their arguments, input fields and enum values
 * carry a non-blank description. GraphiQL's docs explorer and the API reference show nothing else.
 * A deprecated element says why (and what to use instead), not graphql-js's default reason.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEPRECATION_REASON, isEnumType, isInputObjectType, isInterfaceType, isIntrospectionType, isObjectType, isSpecifiedScalarType, type GraphQLNamedType } from 'graphql';
import { schema } from '../src/graphql/schema.js';

interface Element {
  path: string;
  description: string | null | undefined;
  deprecationReason?: string | null | undefined;
}

/** The described elements of one named type: itself, then its fields (with their arguments), input fields or values. */
function elementsOf(type: GraphQLNamedType): Element[] {
  const elements: Element[] = [{ path: type.name, description: type.description }];
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields())) {
      elements.push({ path: `${type.name}.${field.name}`, description: field.description, deprecationReason: field.deprecationReason });
      for (const arg of field.args) elements.push({ path: `${type.name}.${field.name}(${arg.name})`, description: arg.description, deprecationReason: arg.deprecationReason });
    }
  } else if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) elements.push({ path: `${type.name}.${field.name}`, description: field.description, deprecationReason: field.deprecationReason });
  } else if (isEnumType(type)) {
    for (const value of type.getValues()) elements.push({ path: `${type.name}.${value.name}`, description: value.description, deprecationReason: value.deprecationReason });
  }
  return elements;
}

const publicElements = () => Object.values(schema.getTypeMap()).filter((type) => !isIntrospectionType(type) && !isSpecifiedScalarType(type)).flatMap(elementsOf);

describe('schema descriptions', () => {
  it('describes every type, field, argument, input field and enum value of the public schema', () => {
    const elements = publicElements();
    const missing = elements.filter((e) => !e.description?.trim()).map((e) => e.path);
    console.log(`schema descriptions: ${elements.length - missing.length} of ${elements.length}`);
    expect(missing).toEqual([]);
  });

  it('gives every deprecation a reason of its own', () => {
    const unexplained = publicElements()
      .filter((e) => e.deprecationReason != null && (!e.deprecationReason.trim() || e.deprecationReason === DEFAULT_DEPRECATION_REASON))
      .map((e) => e.path);
    expect(unexplained).toEqual([]);
  });
});
