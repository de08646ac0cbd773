import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Why a piece of text cannot be taken, or null: PostgreSQL cannot store NUL, and a lone surrogate is not Unicode. */
export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000)';
  // A lone UTF-16 surrogate would be stored as U+FFFD: refused rather than silently changed.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  return null;
}

const refusal = (where: string, problem: string) =>
  new GraphQLError(`Text at ${where} ${problem}; send well-formed text without NUL characters`, { extensions: { code: 'BAD_USER_INPUT' } });

/** The first string (value or object key) in the variables that cannot be taken; iterative, so deep nesting cannot overflow the stack. */
function variablesProblem(variables: unknown): GraphQLError | null {
  const stack: [unknown, string][] = [[variables, 'variables']];
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return refusal(path, problem);
    } else if (value !== null && typeof value === 'object' && !(value instanceof Blob)) {
      for (const [key, inner] of Object.entries(value)) {
        const problem = textProblem(key);
        if (problem) return refusal(`${path} (a key)`, problem);
        stack.push([inner, `${path}.${key.length > 40 ? `${key.slice(0, 40)}…` : key}`]);
      }
    }
  }
  return null;
}

/** The first string literal of the document that cannot be taken (escapes such as "\u0000" reach here decoded). */
function documentProblem(document: DocumentNode): GraphQLError | null {
  let found: GraphQLError | null = null;
  visit(document, {
    [Kind.STRING](node) {
      const problem = textProblem(node.value);
      if (problem && !found) found = new GraphQLError(`A string in the query ${problem}; send well-formed text without NUL characters`, { nodes: [node], extensions: { code: 'BAD_USER_INPUT' } });
    },
  });
  return found;
}

/**
 * Every argument, input field and variable a request carries is checked once, before execution:
 * text with a NUL character or a lone surrogate is refused as BAD_USER_INPUT (the database would
 * otherwise fail on it deep inside a resolver). One pass over the variables and the document's literals.
 */
export function useWellFormedText(): Plugin {
  const check = (document: DocumentNode, variables: unknown) => variablesProblem(variables) ?? documentProblem(document);
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args.document, args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args.document, args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
