/**
 * Every element of the public schema says what it means to a user: each type (but GraphQL's own
 * scalars and the introspection types), its fields, their arguments, input fields and enum values
 * carry a non-blank description. GraphiQL's docs explorer and the API reference show nothing else.
 */
import { describe, expect, it } from 'vitest';
import { isEnumType, isInputObjectType, isInterfaceType, isIntrospectionType, isObjectType, isSpecifiedScalarType, type GraphQLNamedType } from 'graphql';
import { schema } from '../src/graphql/schema.js';

interface Element {
  path: string;
  description: string | null | undefined;
}

/** The described elements of one named type: itself, then its fields (with their arguments), input fields or values. */
function elementsOf(type: GraphQLNamedType): Element[] {
  const elements: Element[] = [{ path: type.name, description: type.description }];
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields())) {
      elements.push({ path: `${type.name}.${field.name}`, description: field.description });
      for (const arg of field.args) elements.push({ path: `${type.name}.${field.name}(${arg.name})`, description: arg.description });
    }
  } else if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) elements.push({ path: `${type.name}.${field.name}`, description: field.description });
  } else if (isEnumType(type)) {
    for (const value of type.getValues()) elements.push({ path: `${type.name}.${value.name}`, description: value.description });
  }
  return elements;
}

describe('schema descriptions', () => {
  it('describes every type, field, argument, input field and enum value of the public schema', () => {
    const types = Object.values(schema.getTypeMap()).filter((type) => !isIntrospectionType(type) && !isSpecifiedScalarType(type));
    const elements = types.flatMap(elementsOf);
    const missing = elements.filter((e) => !e.description?.trim()).map((e) => e.path);
    console.log(`schema descriptions: ${elements.length - missing.length} of ${elements.length}`);
    expect(missing).toEqual([]);
  });
});
