import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  parse,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Env } from '../env.js';

/** Introspection is open unless configured off; production turns it off by default. */
export function introspectionEnabled(env: Pick<Env, 'GRAPHQL_INTROSPECTION' | 'NODE_ENV'>): boolean {
  return env.GRAPHQL_INTROSPECTION ?? env.NODE_ENV !== 'production';
}

/**
 * Counts every field selection of each operation, `__typename` and introspection included, with
 * fragments expanded, and refuses the operation past `maxBreadth`. The complexity plugin counts
 * the same way but only runs inside root resolvers, so `{ a0: __typename … }` escaped it. The count
 * depends on the document alone, so Yoga's validation cache keeps its verdict.
 */
export function selectionCountRule(maxBreadth: number): ValidationRule {
  const rule: ValidationRule = (context) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    const counted = new Map<string, number>();
    const active = new Set<string>();
    const countFragment = (name: string): number => {
      const known = counted.get(name);
      if (known !== undefined) return known;
      const fragment = fragments.get(name);
      // Unknown and cyclic fragments are other rules' errors; they add nothing here.
      if (!fragment || active.has(name)) return 0;
      active.add(name);
      const n = count(fragment.selectionSet);
      active.delete(name);
      counted.set(name, n);
      return n;
    };
    const count = (set: SelectionSetNode): number => {
      let n = 0;
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) n += 1 + (s.selectionSet ? count(s.selectionSet) : 0);
        else if (s.kind === Kind.INLINE_FRAGMENT) n += count(s.selectionSet);
        else n += countFragment(s.name.value);
      }
      return n;
    };
    return {
      OperationDefinition(node) {
        const breadth = count(node.selectionSet);
        if (breadth > maxBreadth) {
          context.reportError(
            new GraphQLError(`Query breadth is ${breadth}, over the limit of ${maxBreadth}: ask for fewer or smaller pages`, {
              nodes: [node],
              extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } },
            }),
          );
        }
        return false; // the count is done; no need to walk inside
      },
    };
  };
  return rule;
}

/**
 * Bounds the work a document can cause before it runs: the parser stops after `maxTokens`
 * tokens (so a flood never becomes a huge AST), every selection counts toward breadth, and
 * introspection can be turned off. All of it is cached per document by Yoga.
 */
export function useDocumentLimits(options: { maxTokens: number; maxBreadth: number; introspection: boolean }): Plugin {
  const breadthRule = selectionCountRule(options.maxBreadth);
  return {
    onParse({ setParseFn }) {
      setParseFn((source, parseOptions) => {
        try {
          return parse(source, { ...parseOptions, maxTokens: options.maxTokens });
        } catch (error) {
          if (error instanceof GraphQLError && /more that \d+ tokens/.test(error.message)) {
            throw new GraphQLError(`The document has more than ${options.maxTokens} tokens: send a smaller one`, {
              extensions: { code: 'QUERY_TOO_LARGE', http: { status: 400 } },
            });
          }
          throw error;
        }
      });
    },
    onValidate({ addValidationRule }) {
      addValidationRule(breadthRule);
      if (!options.introspection) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
