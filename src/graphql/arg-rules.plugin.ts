import SchemaBuilder, { BasePlugin, type FieldNullability, type InputFieldMap, type PothosOutputFieldConfig, type SchemaTypes, type TypeParam } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { z } from 'zod';
import { parseArgs } from './query-error.js';

/**
 * `argRules`: zod rules a query field's arguments must hold beyond their GraphQL types (such as a
 * time range that does not end before it starts), checked when the field itself resolves, after
 * its auth scopes and before its resolver. A connection's `totalCount` is resolved below the
 * field and Pothos skips the list resolver when only `totalCount` is asked for: a check inside
 * either would answer at a child's path, or not at all. A broken rule is BAD_USER_INPUT with
 * reason VALIDATION and `field` the path from the arguments (query-error.ts parseArgs).
 * Mutations check in their services and answer in their payloads instead.
 */
export class ArgRulesPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(resolver: GraphQLFieldResolver<unknown, Types['Context'], object>, fieldConfig: PothosOutputFieldConfig<Types>): GraphQLFieldResolver<unknown, Types['Context'], object> {
    const rules = (fieldConfig.pothosOptions as { argRules?: z.ZodType }).argRules;
    if (!rules) return resolver;
    return (parent, args, context, info) => {
      parseArgs(rules, args);
      return resolver(parent, args, context, info);
    };
  }
}

/** Rules for a field whose one `filter` argument holds them (left out: nothing to check). */
export const filterRules = (rules: z.ZodType) => z.looseObject({ filter: rules.nullish() });

const pluginName = 'argRules';
SchemaBuilder.registerPlugin(pluginName, ArgRulesPlugin);
export default pluginName;

declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      argRules: ArgRulesPlugin<Types>;
    }
    interface FieldOptions<
      Types extends SchemaTypes = SchemaTypes,
      ParentShape = unknown,
      Type extends TypeParam<Types> = TypeParam<Types>,
      Nullable extends FieldNullability<Type> = FieldNullability<Type>,
      Args extends InputFieldMap = InputFieldMap,
      ResolveShape = unknown,
      ResolveReturnShape = unknown,
    > {
      /** Rules the arguments must hold beyond their GraphQL types, checked before the field resolves (see arg-rules.plugin.ts). */
      argRules?: z.ZodType;
    }
  }
}
